"""The curriculum at provincial scale: 1,000 lessons (100 small) and 50,000 groups (2,000 small)
with sessions, attendance and online completions; the pages opened most: a lesson page (a
visitor, served from the page cache, and a learner, never cached), the month calendar, the
lesson list, and the month report of a province's coordinator."""

import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.runner import BenchError
from groups import services as group_services
from groups.models import CorrectionGroup
from portal import services
from portal.models import AccountKind, Region, StaffRole, User

NAME = "curriculum"
SIZES = {
    "small": {"lessons": 100, "groups": 2_000, "sessions": 100, "completions": 2_000},
    "full": {"lessons": 1_000, "groups": 50_000, "sessions": 2_500, "completions": 50_000},
}
PROVINCE = "440000"  # 广东省
COORDINATOR = "curriculum.coordinator@bench.example.cn"


def seed(scale: str) -> str:
    if User.objects.filter(email=COORDINATOR).exists():  # seeded already, for a scenario using it
        return f"{SIZES[scale]['lessons']:,} lessons, {CorrectionGroup.objects.count():,} groups"
    size = SIZES[scale]
    # Another scenario may have made the groups already: top up to the size, no more.
    missing = max(0, size["groups"] - CorrectionGroup.objects.count())
    call_command(
        "seed_scale",
        groups=missing,
        lessons=size["lessons"],
        sessions=size["sessions"],
        completions=size["completions"],
        quiet=True,
        stdout=io.StringIO(),
    )
    coordinator = services.user_create(
        email=COORDINATOR,
        password=None,
        display_name="课程基准协调员",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    services.staff_role_grant(
        user=coordinator,
        role=StaffRole.Role.COORDINATOR,
        region=Region.objects.get(code=PROVINCE),
        granted_by=None,
    )
    group = _group_of(coordinator)
    group_services.learner_account_create(
        group=group, display_name="基准学员", created_by=coordinator
    )
    return f"{size['lessons']:,} lessons, {CorrectionGroup.objects.count():,} groups"


def run(report) -> None:
    from curriculum.models import CurriculumIndexPage, LessonPage

    coordinator = User.objects.get(email=COORDINATOR)
    lesson = LessonPage.objects.live().exclude(delivery_mode="offline").order_by("path").first()
    if lesson is None:
        raise BenchError("No online lesson was seeded.")
    visitor = Client()
    report.measure("lesson page, visitor (cached)", visitor, lesson.url)
    learner = Client()
    group = _group_of(coordinator)
    learner.force_login(group.memberships.get(role="learner", left_at__isnull=True).user)
    report.measure("lesson page, learner", learner, lesson.url)
    report.measure("month calendar, visitor", visitor, CurriculumIndexPage.objects.get().url)
    report.measure(
        "lesson list, 2 filters",
        visitor,
        f"{reverse('curriculum:lessons')}?stage=active&mode=online",
    )
    staff = Client()
    staff.force_login(coordinator)
    month = f"{timezone.localdate():%Y-%m}"
    report.measure(
        "month report, province",
        staff,
        f"{reverse('curriculum:report')}?region={PROVINCE}&month={month}",
    )
    report.measure(
        "month report, province, page 20",
        staff,
        f"{reverse('curriculum:report')}?region={PROVINCE}&month={month}&page=20",
    )


def _group_of(coordinator: User) -> CorrectionGroup:
    from groups.selectors import groups_coordinated_by

    group = (
        groups_coordinated_by(coordinator)
        .filter(status=CorrectionGroup.Status.ACTIVE)
        .order_by("code")
        .first()
    )
    if group is None:
        raise BenchError(f"No active group under {PROVINCE}.")
    return group
