"""Region dashboards at provincial scale: 50,000 groups, 56,000 volunteers, 3,018 social workers,
540 organisations and 24 months of learning, service hours, activities and referrals (small:
2,000 groups, 2,000 volunteers, 120 social workers, 60 organisations, 6 months). Prints p50/p95
of the province, a city and a county dashboard for an observer of the province, the full
recompute (the nightly job, on a table already filled) and one incremental update (what an
announced change to one group costs)."""

import io
import random
import time

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bench.scenarios._dashboard_history import create_history
from dashboards.incremental import recompute_for
from dashboards.models import MonthFigure
from dashboards.services import figures_recompute_all
from groups.models import CorrectionGroup
from partners.models import Organisation
from portal import services
from portal.models import AccountKind, Region, StaffRole, User
from volunteers.models import VolunteerProfile

NAME = "dashboards"
SIZES = {
    "small": {
        "groups": 2_000, "volunteers": 2_000, "social_workers": 120, "organisations": 60,
        "months": 6, "per_month": {"hours": 1_000, "completions": 500, "sessions": 20,
                                   "records": 800, "activities": 10, "referrals": 40},
    },
    "full": {
        "groups": 50_000, "volunteers": 56_000, "social_workers": 3_018, "organisations": 540,
        "months": 24, "per_month": {"hours": 30_000, "completions": 8_000, "sessions": 250,
                                    "records": 20_000, "activities": 200, "referrals": 1_000},
    },
}  # fmt: skip
PROVINCE, CITY, COUNTY = "440000", "440100", "440106"  # 广东省, 广州市, 天河区
OBSERVER = "observer@bench-dashboards.example.cn"
_seeded = {}


def _missing(wanted: int, have: int) -> int:
    """Another scenario may have made some already: top up to the size, no more."""
    return max(0, wanted - have)


def seed(scale: str) -> str:
    size = SIZES[scale]
    people = VolunteerProfile.objects
    call_command(
        "seed_scale",
        groups=_missing(size["groups"], CorrectionGroup.objects.count()),
        volunteers=_missing(size["volunteers"], people.filter(kind="volunteer").count()),
        social_workers=_missing(
            size["social_workers"], people.filter(kind="social_worker").count()
        ),
        organisations=_missing(size["organisations"], Organisation.objects.count()),
        lessons=0 if _has_lessons() else 60,
        jobs=200 if scale == "full" else 20,
        programmes=60 if scale == "full" else 6,
        quiet=True,
        stdout=io.StringIO(),
    )
    made = create_history(
        months=size["months"], per_month=size["per_month"], rng=random.Random(2026)
    )
    observer = services.user_create(
        email=OBSERVER,
        password=None,
        display_name="基准观察员（省厅）",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    services.staff_role_grant(
        user=observer,
        role=StaffRole.Role.OBSERVER,
        region=Region.objects.get(code=PROVINCE),
        granted_by=None,
    )
    start = time.perf_counter()
    figures_recompute_all()
    _seeded["first fill"] = time.perf_counter() - start
    return (
        f"{CorrectionGroup.objects.count():,} groups, {size['months']} months "
        f"({made['records']:,} service records, {made['hours']:,} learning hours, "
        f"{made['referrals']:,} referrals)"
    )


def _has_lessons() -> bool:
    from curriculum.models import LessonPage

    return LessonPage.objects.exists()


def run(report) -> None:
    client = Client()
    client.force_login(User.objects.get(email=OBSERVER))
    cells = MonthFigure.objects.count()
    for label, code in (("province", PROVINCE), ("city", CITY), ("county", COUNTY)):
        report.measure(f"{label} dashboard", client, reverse("dashboards:region", args=[code]))
    out = report.out
    print(f"{NAME:<11}{'first fill (all months, empty table)':<38}"
          f"{_seeded.get('first fill', 0):8.1f} s   {cells:,} figure cells", file=out)  # fmt: skip
    start = time.perf_counter()
    result = figures_recompute_all()
    print(f"{NAME:<11}{'full recompute (nightly)':<38}{time.perf_counter() - start:8.1f} s   "
          f"{result.months} months, {result.total} cells drifted", file=out)  # fmt: skip
    group = CorrectionGroup.objects.filter(judicial_office__code__startswith=COUNTY).first()
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        recompute_for({"groups.CorrectionGroup": [group.pk]})
        timings.append(time.perf_counter() - start)
    timings.sort()
    print(f"{NAME:<11}{'incremental update (one group)':<38}{timings[2] * 1000:8.1f} ms  "
          f"median of 5: its office, this month and last", file=out, flush=True)  # fmt: skip
