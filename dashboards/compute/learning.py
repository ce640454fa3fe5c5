"""Learning: online and offline hours (curriculum's LearningHours), groups meeting the month's
requirement, lessons completed and attended by theme and series, sessions held, and 入矫第一课
taken within the entry period. Counted in the group's judicial office (a session: its region)."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.models import Page

from curriculum import conf
from curriculum.models import (
    Attendance,
    LearningHours,
    LessonCompletion,
    LessonPage,
    LessonSeriesPage,
    LessonSession,
    LessonStage,
)
from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, month_of, tally
from dashboards.figures import LESSONS_PREFIX
from groups.models import CorrectionGroup


def entry_period() -> timedelta:
    """How soon after entry 入矫第一课 counts as taken in time: the first month by default."""
    return timedelta(days=getattr(settings, "DASHBOARDS_FIRST_LESSON_DAYS", 30))


def _span(months: list[date]):
    return m.bounds(months[0])[0], m.bounds(months[-1])[1]


def hours(context: Context, months: list[date], regions) -> Cells:
    rows = LearningHours.objects.filter(month__gte=months[0], month__lte=months[-1])
    if regions is not None:
        rows = rows.filter(judicial_office_id__in=regions)
    required = conf.required_minutes()
    cells: Cells = {}
    for office, month, online, offline, met in (
        rows.values_list("judicial_office_id", "month")
        .annotate(
            online=Sum("online_minutes"),
            offline=Sum("offline_minutes"),
            met=Count("pk", filter=Q(total_minutes__gte=required)),
        )
        .order_by()
    ):
        for key, value in (
            ("learning.online_minutes", online),
            ("learning.offline_minutes", offline),
            ("learning.groups_met", met),
        ):
            if value:
                cells[(office, month_of(month), key)] = value
    # The requirement's denominator: every group open at some time in the month.
    groups = CorrectionGroup.objects.all()
    if regions is not None:
        groups = groups.filter(judicial_office_id__in=regions)
    for month in months:
        start, end = m.bounds(month)
        due = (
            groups.filter(
                Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))
            )
            .values_list("judicial_office_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for office, n in due:
            cells[(office, month, "learning.groups_due")] = n
    return cells


def _parents(lesson_ids) -> dict[int, int]:
    """lesson id -> the id of its theme or series page (its parent in the page tree)."""
    paths = dict(LessonPage.objects.filter(pk__in=lesson_ids).values_list("pk", "path"))
    # Wagtail's tree: a parent's path is the child's less one step.
    parent_paths = {pk: path[: -Page.steplen] for pk, path in paths.items()}
    parent_ids = dict(
        Page.objects.filter(path__in=set(parent_paths.values())).values_list("path", "pk")
    )
    return {pk: parent_ids[path] for pk, path in parent_paths.items() if path in parent_ids}


def lessons(context: Context, months: list[date], regions) -> Cells:
    start, end = _span(months)
    wanted = set(months)
    completions = LessonCompletion.objects.filter(completed_at__gte=start, completed_at__lt=end)
    present = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, session__starts_at__gte=start, session__starts_at__lt=end
    )
    sessions = LessonSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if regions is not None:
        completions = completions.filter(group__judicial_office_id__in=regions)
        present = present.filter(group__judicial_office_id__in=regions)
        sessions = sessions.filter(region_id__in=regions)
    done = list(
        completions.values_list(
            "group__judicial_office_id", TruncMonth("completed_at"), "lesson_id"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    attended = list(
        present.values_list(
            "group__judicial_office_id", TruncMonth("session__starts_at"), "session__lesson_id"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    parent_of = _parents({row[2] for row in done + attended})
    cells: Cells = {}
    for rows, key in ((done, "learning.completions"), (attended, "learning.attendances")):
        tally(cells, ((office, when, n) for office, when, _lesson, n in rows), key, wanted)
        for office, when, lesson, n in rows:
            if lesson in parent_of:
                tally(cells, [(office, when, n)], f"{LESSONS_PREFIX}{parent_of[lesson]}", wanted)
    held = (
        sessions.values_list("region_id", TruncMonth("starts_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    tally(cells, held, "learning.sessions", wanted)
    return cells


def first_lesson(context: Context, months: list[date], regions) -> Cells:
    """Groups that entered in the month and took a lesson of an entry series (入矫第一课) online
    or at a session within the entry period."""
    entrants = CorrectionGroup.objects.filter(
        start_date__gte=months[0], start_date__lt=m.add_months(months[-1], 1)
    )
    if regions is not None:
        entrants = entrants.filter(judicial_office_id__in=regions)
    series = LessonSeriesPage.objects.filter(stage=LessonStage.ENTRY).values_list("path", flat=True)
    scope = Q()
    for path in series:
        scope |= Q(path__startswith=path)
    if not scope:
        return {}
    lesson_ids = list(LessonPage.objects.filter(scope).values_list("pk", flat=True))
    online = dict(
        LessonCompletion.objects.filter(group__in=entrants, lesson_id__in=lesson_ids)
        .values_list("group_id")
        .annotate(first=Min("completed_at"))
        .order_by()
    )
    offline = dict(
        Attendance.objects.filter(
            group__in=entrants,
            status=Attendance.Status.PRESENT,
            session__lesson_id__in=lesson_ids,
        )
        .values_list("group_id")
        .annotate(first=Min("session__starts_at"))
        .order_by()
    )
    period = entry_period()
    cells: Cells = {}
    for pk, office, started in entrants.values_list("pk", "judicial_office_id", "start_date"):
        taken = [timezone.localtime(t).date() for t in (online.get(pk), offline.get(pk)) if t]
        if any(day < started + period for day in taken):
            key = (office, month_of(started), "learning.first_lesson")
            cells[key] = cells.get(key, 0) + 1
    return cells


COUNTERS = (
    Counter(
        "learning.hours",
        (
            "learning.online_minutes",
            "learning.offline_minutes",
            "learning.groups_met",
            "learning.groups_due",
        ),
        hours,
    ),
    Counter(
        "learning.lessons",
        ("learning.completions", "learning.attendances", "learning.sessions"),
        lessons,
        prefix=LESSONS_PREFIX,
    ),
    Counter("learning.first_lesson", ("learning.first_lesson",), first_lesson),
)
