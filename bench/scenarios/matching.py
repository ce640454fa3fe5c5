"""Matching at provincial scale: 60,000 volunteers, 3,000 social workers, 5,000 jobs and
50,000 groups (small: 2,000 / 100 / 200 / 2,000), 2,000 of the groups (400 small) in one county,
天河区. Prints the engine's own time (in-process function calls, no HTTP):

- one group's suggestions (every kind, top 5), p50/p95 over many groups, and its queries;
- a coordinator's region overview (50 groups with unmet needs, top 3 each);
- refreshing every group of the county (compute, store the new, notify the coordinators);
- the optimal bulk assignment of the county against greedy on the same matrix.
"""

import io
import random
import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.runner import BenchError, percentile
from groups.models import CorrectionGroup
from groups.scale import create_groups
from matching import refresh
from matching.suggest import region_overview, region_proposal, suggestions_for_group
from portal import services
from portal.models import AccountKind, Region, StaffRole, User
from volunteers.scale import staff_groups

NAME = "matching"
SIZES = {  # volunteers, social workers, jobs, groups elsewhere, groups in the county
    "small": (2_000, 100, 200, 1_600, 400),
    "full": (60_000, 3_000, 5_000, 48_000, 2_000),
}
SAMPLES = {"small": 20, "full": 60}
PROVINCE, COUNTY = "440000", "440106"  # 广东省, 天河区
PROVINCE_COORDINATOR = "coordinator@bench-matching.example.cn"
COUNTY_COORDINATOR = "county@bench-matching.example.cn"
_scale = {"name": "full"}


def seed(scale: str) -> str:
    _scale["name"] = scale
    volunteers, social_workers, jobs, elsewhere, county = SIZES[scale]
    call_command(
        "seed_scale",
        volunteers=volunteers,
        social_workers=social_workers,
        organisations=max(jobs // 10, 10),
        jobs=jobs,
        programmes=jobs // 10,
        quiet=True,
        stdout=io.StringIO(),
    )
    rng = random.Random(7)
    county_path = Region.objects.get(code=COUNTY).path
    offices = Region.objects.filter(depth=Region.Level.JUDICIAL_OFFICE)
    create_groups(elsewhere, rng=rng, offices=list(offices.exclude(path__startswith=county_path)))
    create_groups(county, rng=rng, offices=list(offices.filter(path__startswith=county_path)))
    staff_groups(rng=rng)  # leads and helpers: people's loads and groups' members are real
    for email, code in ((PROVINCE_COORDINATOR, PROVINCE), (COUNTY_COORDINATOR, COUNTY)):
        user = services.user_create(
            email=email, password=None, display_name="匹配基准协调员",
            kind=AccountKind.STAFF, email_verified=True,
        )  # fmt: skip
        region = Region.objects.get(code=code)
        services.staff_role_grant(
            user=user, role=StaffRole.Role.COORDINATOR, region=region, granted_by=None
        )
    return f"{elsewhere + county:,} groups"


def _line(report, label: str, size: str, figures: str) -> None:
    print(f"{NAME:<11}{label:<38}{size:>16}   {figures}", file=report.out, flush=True)


def _spread(timings) -> str:
    p50, p95 = percentile(timings, 0.5) * 1000, percentile(timings, 0.95) * 1000
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def run(report) -> None:
    scale = _scale["name"]
    province = User.objects.get(email=PROVINCE_COORDINATOR)
    county_coordinator = User.objects.get(email=COUNTY_COORDINATOR)
    county = Region.objects.get(code=COUNTY)
    groups = list(
        CorrectionGroup.objects.filter(judicial_office__path__startswith=county.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not groups:
        raise BenchError("No group in 天河区; the seed made none there.")
    rng = random.Random(11)
    sample = [CorrectionGroup.objects.get(pk=pk) for pk in rng.sample(groups, SAMPLES[scale])]

    # One group's suggestions: warm up, count queries once, then time each sampled group.
    suggestions_for_group(sample[0])
    with CaptureQueriesContext(connection) as captured:
        found = suggestions_for_group(sample[0])
    timings, sizes = [], []
    for group in sample:
        lists, seconds = _timed(suggestions_for_group, group)
        timings.append(seconds)
        sizes.append(sum(len(v) for v in lists.values()))
    if not any(sizes):
        raise BenchError("No suggestion at all: the bench would time empty work.")
    shown = sum(len(v) for v in found.values())
    _line(report, "one group's suggestions", f"{len(sample)} groups",
          f"{_spread(timings)}  {len(captured):3d} queries  ({shown} shown)")  # fmt: skip

    timings = []
    for _ in range(max(SAMPLES[scale] // 6, 3)):
        rows, seconds = _timed(region_overview, province)
        timings.append(seconds)
    with CaptureQueriesContext(connection) as captured:
        region_overview(province)
    _line(report, "region overview (province)", f"{len(rows)} groups",
          f"{_spread(timings)}  {len(captured):3d} queries")  # fmt: skip

    # A worker loads the URL configuration for its first notice's link once in its life (about
    # 1 s here): the refreshes are timed as a worker that has run before does them.
    reverse("matching:region")
    new, seconds = _timed(refresh.refresh_groups, groups)
    _line(report, "refresh a county (first: all new)", f"{len(groups):,} groups",
          f"{seconds:7.1f} s  ({new:,} new suggestions stored, coordinators told)")  # fmt: skip
    new, seconds = _timed(refresh.refresh_groups, groups)
    _line(report, "refresh a county (again: none new)", f"{len(groups):,} groups",
          f"{seconds:7.1f} s  ({new:,} new)")  # fmt: skip

    proposal, seconds = _timed(region_proposal, county_coordinator, region=county)
    ratio = proposal.total / proposal.greedy_total if proposal.greedy_total else float("nan")
    _line(report, "bulk assignment, optimal vs greedy", f"{len(groups):,} groups",
          f"optimal {proposal.total:,.1f} vs greedy {proposal.greedy_total:,.1f} "
          f"(x{ratio:.4f}), {len(proposal.rows):,} assigned; solver {proposal.seconds:.2f} s,"
          f" whole proposal {seconds:.1f} s")  # fmt: skip
