"""Every read the curriculum's views need, scoped to the user asking. Quiz answers, attendance
and completions are seen by the group's lead, the coordinators of its region and the learner for
their own group; anyone else gets 404."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from curriculum import conf
from curriculum.models import (
    Attendance,
    LearningHours,
    LessonAssignment,
    LessonCompletion,
    LessonPage,
    LessonSession,
    LessonStart,
    MonthlyThemePage,
)
from groups.models import CorrectionGroup, Membership
from groups.selectors import groups_coordinated_by
from portal import rights
from portal.converters import parse_int
from portal.models import Region, StaffRole, User
from portal.prepared import Prepared, instance
from portal.selectors import regions_covered_by

LEARNING_ROLES = (Membership.Role.LEARNER, Membership.Role.LEAD)
SCHEDULING_ROLES = (StaffRole.Role.EDUCATION_OFFICER, StaffRole.Role.COORDINATOR)


def live_lessons() -> QuerySet[LessonPage]:
    return LessonPage.objects.live().public()


def month_calendar(index_page, year_param: str | None) -> dict:
    """Twelve months of a year (this one unless ?year= names another) with each month's theme."""
    today = timezone.localdate()
    year = parse_int(year_param, low=2000, high=2100) or today.year
    themes = {
        t.month.month: t
        for t in MonthlyThemePage.objects.live()
        .public()
        .filter(month__year=year)
        .select_related("cover_image")
    }
    months = [
        {
            "month": date(year, m, 1),
            "theme": themes.get(m),
            "current": (year, m) == (today.year, today.month),
        }
        for m in range(1, 13)
    ]
    return {"year": year, "months": months, "previous_year": year - 1, "next_year": year + 1}


def current_theme() -> MonthlyThemePage | None:
    return (
        MonthlyThemePage.objects.live()
        .public()
        .filter(month=timezone.localdate().replace(day=1))
        .first()
    )


def _learning_memberships(user: User) -> QuerySet[Membership]:
    return _my_learning_memberships(user.pk).select_related("group")


def learning_groups(user: User, *, lesson: LessonPage | None = None) -> list[Membership]:
    """The user's open groups in which they learn (as learner) or lead. With `lesson`, each
    membership also carries when its group first opened that lesson (started_at, None if not
    yet), read in the same query."""
    if not user.is_authenticated:
        return []
    if lesson is None:
        return list(_learning_memberships(user))
    memberships = []
    rows = _LESSON_MEMBERSHIPS.rows(user_id=user.pk, lesson_id=lesson.pk)
    for pk, group_id, role, code, started_at, done_id, done_at, score in rows:
        # What a lesson page and its clock use of each: the group's code, whether it opened the
        # lesson and its completion (any other field would load when used).
        membership = instance(Membership, id=pk, group_id=group_id, user_id=user.pk, role=role)
        membership.group = instance(
            CorrectionGroup, id=group_id, code=code, status=CorrectionGroup.Status.ACTIVE
        )
        membership.started_at = started_at
        membership.completion = _completion(done_id, group_id, lesson.pk, score, done_at)
        memberships.append(membership)
    return memberships


def _lesson_memberships_query(user_id: int, lesson_id: int) -> QuerySet:
    # Unique per group and lesson: no order needed (order_by() drops the models' own).
    started = LessonStart.objects.filter(group=OuterRef("group_id"), lesson=lesson_id).order_by()
    done = LessonCompletion.objects.filter(group=OuterRef("group_id"), lesson=lesson_id).order_by()
    return (
        _my_learning_memberships(user_id)
        .annotate(
            started_at=Subquery(started.values("started_at")[:1]),
            completion_id=Subquery(done.values("pk")[:1]),
            completion_at=Subquery(done.values("completed_at")[:1]),
            completion_score=Subquery(done.values("score")[:1]),
        )
        .values_list(
            "pk",
            "group_id",
            "role",
            "group__code",
            "started_at",
            "completion_id",
            "completion_at",
            "completion_score",
        )
        .order_by("joined_at", "pk")
    )


# Compiled once per process (portal.prepared): building this query with its four subqueries
# took longer than the database took to answer it, on every lesson page a learner opens.
_LESSON_MEMBERSHIPS = Prepared(_lesson_memberships_query, user_id=-7_204_801, lesson_id=-7_204_802)


def _completion(pk, group_id, lesson_id, score, completed_at) -> LessonCompletion | None:
    """A completion read as columns of another row (unique per group and lesson), as
    LessonCompletion.objects.only(...) would give it: the other fields load when used."""
    if pk is None:
        return None
    return instance(
        LessonCompletion,
        id=pk,
        group_id=group_id,
        lesson_id=lesson_id,
        score=score,
        completed_at=completed_at,
    )


def lesson_page_context(
    lesson: LessonPage, user: User, *, memberships: list[Membership] | None = None
) -> dict:
    """What a lesson page shows a logged-in learner or lead: per group, whether it was opened,
    when it may be completed, and whether it is done. Nothing for anyone else.

    `memberships`: learning_groups(user, lesson=lesson), when the caller has read them already
    (the page does, to start the clock)."""
    quiz_block = next((b for b in lesson.body if b.block_type == "quiz"), None)
    if memberships is None:
        memberships = learning_groups(user, lesson=lesson)
    if not memberships:
        return {"learning": [], "quiz_block": quiz_block, "can_answer": False}
    starts = {m.group_id: m.started_at for m in memberships}
    done = {m.group_id: m.completion for m in memberships}
    now = timezone.now()
    learning = []
    for membership in memberships:
        started = starts.get(membership.group_id)
        ready_at = started + conf.study_time(lesson.duration_minutes) if started else None
        learning.append(
            {
                "membership": membership,
                "group": membership.group,
                "started_at": started,
                "ready_at": ready_at,
                "ready": bool(ready_at and ready_at <= now),
                "completion": done.get(membership.group_id),
            }
        )
    open_groups = [item for item in learning if not item.get("completion")]
    return {
        "learning": learning,
        "open_groups": open_groups,
        "quiz_block": quiz_block,
        "can_answer": bool(open_groups) and lesson.delivery_mode != "offline",
    }


@dataclass(frozen=True)
class LearningAccess:
    is_coordinator: bool
    role: str | None

    @property
    def assigns(self) -> bool:
        return self.is_coordinator or self.role == Membership.Role.LEAD


def group_learning_for_user(user: User, code: str) -> tuple[CorrectionGroup, LearningAccess]:
    """The group's learning record: for its lead, its learner and the region's coordinators."""
    if not user.is_authenticated:
        raise Http404
    group = (
        CorrectionGroup.objects.select_related("judicial_office", "offence")
        .filter(code=code)
        .first()
    )
    if group is None:
        raise Http404
    coordinated = user.is_superuser or groups_coordinated_by(user).filter(pk=group.pk).exists()
    role = (
        Membership.objects.filter(group=group, user=user, left_at__isnull=True)
        .values_list("role", flat=True)
        .first()
    )
    if not coordinated and role not in LEARNING_ROLES:
        raise Http404
    return group, LearningAccess(is_coordinator=coordinated, role=role)


def group_learning_data(group: CorrectionGroup) -> dict:
    """Lessons given, completions, sessions and monthly hours of one group, in fixed queries."""
    completions = {c.lesson_id: c for c in LessonCompletion.objects.filter(group=group)}
    assignments = list(
        LessonAssignment.objects.filter(group=group)
        .select_related("lesson")
        .order_by("-assigned_at")
    )
    for assignment in assignments:
        assignment.completion = completions.get(assignment.lesson_id)
    attendance = list(
        Attendance.objects.filter(group=group)
        .select_related("session__lesson")
        .order_by("-session__starts_at")[:50]
    )
    hours = list(LearningHours.objects.filter(group=group).order_by("-month")[:12])
    return {
        "assignments": assignments,
        "attendance": attendance,
        "hours": hours,
        "required_hours": conf.required_minutes() / 60,
    }


def groups_schedulable_by(user: User) -> QuerySet[CorrectionGroup]:
    """Groups whose sessions the user may schedule: those they lead, and every group in the
    regions where they are an education officer or coordinator."""
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    if user.is_superuser:
        return CorrectionGroup.objects.all()
    regions = Region.objects.none()
    for role in SCHEDULING_ROLES:
        regions = regions | regions_covered_by(user, role=role)
    led = Membership.objects.filter(user=user, role=Membership.Role.LEAD, left_at__isnull=True)
    return CorrectionGroup.objects.filter(
        Q(judicial_office__in=regions.values("pk")) | Q(pk__in=led.values("group_id"))
    )


def sessions_to_remind(*, now: datetime | None = None) -> QuerySet[LessonSession]:
    """Sessions starting within the next day whose leads have not been reminded."""
    now = now or timezone.now()
    return LessonSession.objects.filter(
        starts_at__gt=now, starts_at__lte=now + timedelta(days=1), reminded_at__isnull=True
    )


def sessions_visible_to(user: User) -> QuerySet[LessonSession]:
    """Sessions the user scheduled, or that include a group they lead or may schedule for."""
    if not user.is_authenticated:
        return LessonSession.objects.none()
    if user.is_superuser:
        return LessonSession.objects.all()
    regions = regions_covered_by(user, role=StaffRole.Role.COORDINATOR) | regions_covered_by(
        user, role=StaffRole.Role.EDUCATION_OFFICER
    )
    reachable = groups_schedulable_by(user)
    return LessonSession.objects.filter(
        Q(created_by=user)
        | Q(region__in=regions.values("pk"))
        | Q(roster__group__in=reachable.values("pk"))
    ).distinct()


def session_for_user(user: User, pk: int) -> LessonSession:
    session = (
        sessions_visible_to(user)
        .select_related("lesson", "region", "created_by")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_roster(session: LessonSession, user: User) -> list[Attendance]:
    """The roster lines this user may see and record: every line for the scheduler and staff of
    the region, only the groups they lead for a lead."""
    roster = session.roster.select_related("group", "recorded_by").order_by("group__code")
    if user.is_superuser or session.created_by_id == user.pk:
        return list(roster)
    reachable = groups_schedulable_by(user).values("pk")
    return list(roster.filter(group__in=reachable))


def report_regions(user: User) -> QuerySet[Region]:
    """Regions whose report the user may read: figures only, so coordinators and observers
    (portal.rights.REPORTS_VIEW); admins every region."""
    return rights.regions_with(user, rights.REPORTS_VIEW).order_by("path")


def hours_report(region: Region, month: date) -> QuerySet[CorrectionGroup]:
    """Every group of the region open in `month`, with that month's hours (zero where none were
    recorded), one row per group: one query per page, whatever the size of the region."""
    month = month.replace(day=1)
    from curriculum.services.hours import month_bounds

    start, end = month_bounds(month)
    return (
        CorrectionGroup.objects.filter(
            judicial_office__path__startswith=region.path, created_at__lt=end
        )
        .filter(Q(status=CorrectionGroup.Status.ACTIVE) | Q(closed_at__gte=start))
        .annotate(h=FilteredRelation("learning_hours", condition=Q(learning_hours__month=month)))
        .annotate(
            online=Coalesce(F("h__online_minutes"), Value(0)),
            offline=Coalesce(F("h__offline_minutes"), Value(0)),
            total=Coalesce(F("h__total_minutes"), Value(0)),
        )
        .select_related("judicial_office")
        # What the page and the workbook show: not the case notes and the rest of each group.
        .only("code", "judicial_office__name")
        .order_by("judicial_office__path", "code")
    )


def hours_summary(rows: QuerySet) -> dict:
    required = conf.required_minutes()
    summary = rows.aggregate(
        groups=Count("pk"),
        minutes=Coalesce(Sum("total"), Value(0)),
        short=Count("pk", filter=Q(total__lt=required)),
    )
    summary["hours"] = round(summary["minutes"] / 60, 1)
    summary["required_hours"] = required / 60
    return summary


def my_lessons(user: User) -> list[dict]:
    """For a learner or lead: each of their groups with its assigned lessons, what is done and
    this month's hours. Two queries however many groups they lead: the groups with their month's
    hours, the assignments with their completions (each one row at most per group and month,
    per group and lesson: unique). Both compiled once per process (_MY_GROUPS, _MY_ASSIGNMENTS):
    building them took longer than the database took to answer."""
    month = timezone.localdate().replace(day=1)
    if not user.is_authenticated:
        return []
    groups = _MY_GROUPS.rows(user_id=user.pk, month=month)
    if not groups:
        return []
    assignments: dict[int, list[LessonAssignment]] = {row[1]: [] for row in groups}
    for (
        pk,
        group_id,
        lesson_id,
        source,
        assigned_at,
        title,
        done_id,
        done_at,
        score,
    ) in _MY_ASSIGNMENTS.rows(user_id=user.pk):
        if group_id not in assignments:  # a group joined or left between the two reads
            continue
        assignment = instance(
            LessonAssignment,
            id=pk,
            group_id=group_id,
            lesson_id=lesson_id,
            source=source,
            assigned_at=assigned_at,
        )
        # What the table shows of the lesson: its title (the rest loads when used).
        assignment.lesson = instance(LessonPage, id=lesson_id, page_ptr_id=lesson_id, title=title)
        assignment.completion = _completion(done_id, group_id, lesson_id, score, done_at)
        assignments[group_id].append(assignment)
    result = []
    for pk, group_id, role, code, hours_id, hours_minutes in groups:
        membership = instance(Membership, id=pk, group_id=group_id, user_id=user.pk, role=role)
        membership.group = instance(
            CorrectionGroup, id=group_id, code=code, status=CorrectionGroup.Status.ACTIVE
        )
        hours = None
        if hours_id is not None:
            hours = instance(
                LearningHours,
                id=hours_id,
                group_id=group_id,
                month=month,
                total_minutes=hours_minutes,
            )
        result.append(
            {
                "membership": membership,
                "assignments": assignments[group_id],
                "hours": hours,
                "month": month,
            }
        )
    return result


def _my_learning_memberships(user_id: int) -> QuerySet[Membership]:
    """The user's places as a learner or lead of an active group (by id: the compiled queries
    of portal.prepared pass a stand-in)."""
    return Membership.objects.filter(
        user=user_id,
        left_at__isnull=True,
        role__in=LEARNING_ROLES,
        group__status=CorrectionGroup.Status.ACTIVE,
    )


def _my_groups_query(user_id: int, month: date) -> QuerySet:
    month_hours = LearningHours.objects.filter(group=OuterRef("group_id"), month=month).order_by()
    return (
        _my_learning_memberships(user_id)
        .annotate(
            hours_id=Subquery(month_hours.values("pk")[:1]),
            hours_minutes=Subquery(month_hours.values("total_minutes")[:1]),
        )
        .values_list("pk", "group_id", "role", "group__code", "hours_id", "hours_minutes")
        .order_by("joined_at", "pk")
    )


def _my_assignments_query(user_id: int) -> QuerySet:
    done = LessonCompletion.objects.filter(
        group=OuterRef("group_id"), lesson=OuterRef("lesson_id")
    ).order_by()
    return (
        LessonAssignment.objects.filter(
            group__in=_my_learning_memberships(user_id).values("group_id")
        )
        .annotate(
            completion_id=Subquery(done.values("pk")[:1]),
            completion_at=Subquery(done.values("completed_at")[:1]),
            completion_score=Subquery(done.values("score")[:1]),
        )
        .values_list(
            "pk",
            "group_id",
            "lesson_id",
            "source",
            "assigned_at",
            "lesson__title",
            "completion_id",
            "completion_at",
            "completion_score",
        )
        .order_by("-assigned_at", "-pk")
    )


_MY_GROUPS = Prepared(_my_groups_query, user_id=-7_204_803, month=date(1901, 2, 1))
_MY_ASSIGNMENTS = Prepared(_my_assignments_query, user_id=-7_204_804)


def next_session_today(user: User, *, now: datetime) -> LessonSession | None:
    """A learner's next offline session of the local day `now` falls in: the one under way or the
    first still to start, with its lesson; one query, None when there is none today."""
    if not user.is_authenticated:
        return None
    day = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    groups = Membership.objects.filter(
        user=user,
        role=Membership.Role.LEARNER,
        left_at__isnull=True,
        group__status=CorrectionGroup.Status.ACTIVE,
    ).values("group_id")
    on_roster = Attendance.objects.filter(session=OuterRef("pk"), group__in=groups)
    return (
        LessonSession.objects.filter(
            Exists(on_roster), starts_at__gte=start, starts_at__lt=end, ends_at__gt=now
        )
        .select_related("lesson")
        .order_by("starts_at", "pk")
        .first()
    )
