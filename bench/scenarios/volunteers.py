"""Volunteers at provincial scale: 60,000 volunteers and 3,000 social workers (2,000 and 100
small), a province-level coordinator of 广东省, the vetting queue and the directory with filters;
then a bulk import of 10,000 rows (1,000 small) with its time and peak Python memory."""

import csv
import io
import time
import tracemalloc
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bench.runner import BenchError
from portal import services
from portal.models import AccountKind, Region, StaffRole, User
from volunteers import identity
from volunteers.models import VolunteerProfile
from volunteers.services.imports import HEADERS, volunteers_import

NAME = "volunteers"
PEOPLE = {"small": (2_000, 100), "full": (60_000, 3_000)}
IMPORT_ROWS = {"small": 1_000, "full": 10_000}
PROVINCE = "440000"  # 广东省
COORDINATOR = "coordinator@bench-volunteers.example.cn"
QUEUE_FILTERS = {"skill": "legal_aid", "region": "440106"}
DIRECTORY_FILTERS = {"status": "approved", "kind": "volunteer", "skill": "it"}


_scale = {"name": "full"}  # run() gets only the report; seed() remembers the scale for it


def seed(scale: str) -> str:
    _scale["name"] = scale
    volunteers, social_workers = PEOPLE[scale]
    call_command(
        "seed_scale",
        volunteers=volunteers,
        social_workers=social_workers,
        members=True,  # the open groups seeded before get their leads and helpers
        quiet=True,
        stdout=io.StringIO(),
    )
    coordinator = services.user_create(
        email=COORDINATOR,
        password=None,
        display_name="基准协调员",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    services.staff_role_grant(
        user=coordinator,
        role=StaffRole.Role.COORDINATOR,
        region=Region.objects.get(code=PROVINCE),
        granted_by=None,
    )
    return f"{volunteers + social_workers:,} people"


def run(report) -> None:
    coordinator = User.objects.get(email=COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    queue, directory = reverse("volunteers:queue"), reverse("volunteers:directory")
    if not VolunteerProfile.objects.filter(status="submitted", regions__code="440106").exists():
        raise BenchError("No submitted profile serves 440106; the queue would time an empty page.")
    report.measure("vetting queue, no filter", client, queue)
    report.measure("vetting queue, skill + region", client, f"{queue}?{urlencode(QUEUE_FILTERS)}")
    report.measure("directory, no filter", client, directory)
    report.measure("directory, 3 filters", client, f"{directory}?{urlencode(DIRECTORY_FILTERS)}")
    report.measure(
        "directory, 3 filters, page 40",
        client,
        f"{directory}?{urlencode({**DIRECTORY_FILTERS, 'page': 40})}",
    )
    _import(report, coordinator)


def _import(report, coordinator) -> None:
    """Time a dry run and an import of the same file without tracing (tracemalloc slows Python
    several times), then import a second file of as many new rows under tracemalloc for the
    peak memory."""
    rows = IMPORT_ROWS[_scale["name"]]
    offices = list(
        Region.objects.filter(path__startswith=Region.objects.get(code="440106").path)
        .order_by("code")
        .values_list("code", flat=True)
    )
    size = f"{rows:,} rows"
    upload = _csv(rows, offices, batch=0)
    for label, dry_run in (("import dry run", True), ("import", False)):
        upload.seek(0)
        start = time.perf_counter()
        result = volunteers_import(upload=upload, coordinator=coordinator, dry_run=dry_run)
        seconds = time.perf_counter() - start
        if result.errors or (not dry_run and result.imported != rows):
            raise BenchError(f"{label}: {len(result.errors)} errors, {result.imported} imported")
        _line(report, label, size, f"{seconds:7.1f} s  ({rows / seconds:,.0f} rows/s)")
    second = _csv(rows, offices, batch=1)
    tracemalloc.start()
    result = volunteers_import(upload=second, coordinator=coordinator, dry_run=False)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if result.imported != rows:
        raise BenchError(f"traced import: {len(result.errors)} errors")
    _line(
        report,
        "import, peak memory",
        size,
        f"peak {peak / 2**20:6.1f} MiB (tracemalloc; file {second.size / 2**20:.1f} MiB)",
    )


def _line(report, label: str, size: str, figures: str) -> None:
    print(f"{NAME:<11}{label:<37}{size:>16}   {figures}", file=report.out, flush=True)


def _csv(rows: int, offices: list[str], *, batch: int) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    born = date(1950 + batch * 30, 1, 1)
    for i in range(rows):
        first17 = f"440106{born + timedelta(days=i // 900):%Y%m%d}{i % 900 + 100:03d}"
        writer.writerow(
            [
                f"import.{batch}.{i}@bench-volunteers.example.cn",
                f"导入志愿者{i}",
                "社工" if i % 10 == 0 else "志愿者",
                f"李{i}",
                "女" if i % 2 else "男",
                first17 + identity.check_char(first17),
                "法律援助、心理咨询" if i % 3 else "信息技术",
                offices[i % len(offices)],
            ]
        )
    return SimpleUploadedFile("志愿者.csv", out.getvalue().encode("utf-8-sig"))
