"""The region tree import at national scale: the whole country's file (44,700 rows: 31 provinces,
342 cities, 2,975 county-level units, 41,352 judicial offices), or Guangdong's (1,901) at small
scale, checked and applied by `regions_load`'s service in a child process, inside a transaction
rolled back at the end (the other scenarios' figures are taken on the tree they seeded).

Figures: the dry run's and the apply's wall time, and the child's resident memory before and at
its peak (the import streams in chunks: the peak should not grow with the file). Also the p50/p95
of the admin's report page of a checked Guangdong file.
"""

import json
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from bench.runner import BenchError
from portal.models import AccountKind, RegionImport, User
from portal.region_import.services import region_import_check

NAME = "regions"
DATA = Path(__file__).resolve().parents[2] / "portal" / "regions_data"
FILES = {"small": DATA / "guangdong.csv", "full": DATA / "china-2.7.0.csv.gz"}
ADMIN = "regions.admin@bench.example.cn"

_scale = "full"


def seed(scale: str) -> str:
    global _scale
    _scale = scale
    User.objects.create_superuser(
        ADMIN, password=None, display_name="区划基准管理员", kind=AccountKind.STAFF
    )
    with open(FILES["small"], "rb") as f:
        report, batch = region_import_check(file=f, file_name="guangdong.csv", checked_by=None)
    if batch is None:
        raise BenchError(f"The Guangdong file was refused: {report.errors[:3]}")
    return f"{report.rows:,} rows staged"


def run(report) -> None:
    file = FILES[_scale]
    probe = subprocess.run(  # noqa: S603  (our own module, fixed arguments)
        [sys.executable, "-m", "bench.scenarios._regions_probe", str(file)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if probe.returncode != 0:
        raise BenchError(f"regions probe failed: {probe.stderr[-2000:]}")
    facts = json.loads(probe.stdout.strip().splitlines()[-1])
    print(
        f"{NAME:<11}{'import ' + file.name:<38}{facts['rows']:>13,} rows   "
        f"dry run {facts['check_s']:.1f} s   check + apply {facts['apply_s']:.1f} s   "
        f"RSS {facts['rss_start_mb']} MB -> peak {facts['rss_peak_mb']} MB",
        file=report.out,
        flush=True,
    )
    client = Client()
    client.force_login(User.objects.get(email=ADMIN))
    batch = RegionImport.objects.filter(applied_at__isnull=True).latest("created_at")
    report.measure(
        "import report page",
        client,
        reverse("staff:regions_import_report", args=[batch.pk]),
        size=f"{batch.report['rows']:,} rows",
    )
