"""Learning hours: one record per group and month, merging online completions and offline
attendance, and the month-end shortfall flags."""

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum import caching, conf
from curriculum.models import Attendance, LearningHours, LessonCompletion
from groups.models import CorrectionGroup, Membership
from portal import services as portal_services


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of `month` and of the next, in the portal's time zone."""
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz),
    )


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def hours_recompute(*, group: CorrectionGroup, month: date) -> None:
    """Rewrite the group's record for `month` from its completions and attendance.

    Derived data, so it is recomputed from the source rows rather than incremented: running it
    twice, or after a correction of the roster, gives the same figure.
    """
    hours_recompute_groups(group_ids=[group.pk], month=month)


def hours_recompute_groups(*, group_ids: list[int], month: date) -> int:
    """The same for several groups (a session's roster), in the same few queries."""
    return _hours_write(month=month, group_ids=group_ids)


def _hours_write(*, month: date, group_ids: list[int] | None = None) -> int:
    """Rewrite the records of `month` from the source rows, in four queries whatever the number
    of groups: those of `group_ids` (zero where they have nothing), or every group with learning
    that month (after bulk loads). Returns how many records were written."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    required = conf.required_minutes()
    completions = LessonCompletion.objects.filter(completed_at__gte=start, completed_at__lt=end)
    attendance = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, session__starts_at__gte=start, session__starts_at__lt=end
    )
    totals: dict[int, list[int]] = {}
    if group_ids is not None:
        totals = {pk: [0, 0] for pk in group_ids}
        completions = completions.filter(group_id__in=group_ids)
        attendance = attendance.filter(group_id__in=group_ids)
    for row in completions.values("group_id").annotate(total=Sum("minutes")).order_by():
        totals.setdefault(row["group_id"], [0, 0])[0] = row["total"]
    for row in attendance.values("group_id").annotate(total=Sum("minutes")).order_by():
        totals.setdefault(row["group_id"], [0, 0])[1] = row["total"]
    caching.hours_changed()  # the report's cached figures (curriculum.caching)
    offices = dict(
        CorrectionGroup.objects.filter(pk__in=list(totals)).values_list("pk", "judicial_office_id")
    )
    LearningHours.objects.bulk_create(
        (
            LearningHours(
                group_id=pk,
                judicial_office_id=offices[pk],
                month=month,
                online_minutes=on,
                offline_minutes=off,
                total_minutes=on + off,
                required_minutes=required,
                shortfall=on + off < required,
            )
            for pk, (on, off) in totals.items()
        ),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["group", "month"],
        update_fields=[
            "online_minutes",
            "offline_minutes",
            "total_minutes",
            "required_minutes",
            "shortfall",
            "updated_at",
        ],
    )
    return len(totals)


@transaction.atomic
def hours_flag_shortfalls(*, month: date) -> int:
    """At month end: every group that was open in `month` gets a record, those below the
    requirement are flagged, and their leads told. Safe to run twice: a group flagged once is
    not told again. Returns how many groups were newly flagged."""
    from messaging.services import notify

    month = month.replace(day=1)
    start, end = month_bounds(month)
    required = conf.required_minutes()
    open_groups = CorrectionGroup.objects.filter(created_at__lt=end).filter(
        Q(status=CorrectionGroup.Status.ACTIVE) | Q(closed_at__gte=start)
    )
    missing = open_groups.exclude(learning_hours__month=month).values_list(
        "pk", "judicial_office_id"
    )
    LearningHours.objects.bulk_create(
        (
            LearningHours(
                group_id=pk,
                judicial_office_id=office,
                month=month,
                required_minutes=required,
                shortfall=True,
            )
            for pk, office in missing.iterator(chunk_size=2000)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    caching.hours_changed()  # the report's cached figures (curriculum.caching)
    rows = LearningHours.objects.filter(month=month, group__in=open_groups)
    rows.filter(total_minutes__gte=required).update(shortfall=False, required_minutes=required)
    newly = rows.filter(total_minutes__lt=required, flagged_at__isnull=True)
    group_ids = list(newly.values_list("group_id", flat=True))
    now = timezone.now()
    newly.update(shortfall=True, flagged_at=now, required_minutes=required)
    leads = Membership.objects.filter(
        group_id__in=group_ids, role=Membership.Role.LEAD, left_at__isnull=True
    ).values_list("user_id", flat=True)
    lead_ids = sorted(set(leads))
    if lead_ids:
        notify(
            recipients=lead_ids,
            kind="curriculum.shortfall",
            title=_("Learning below the monthly requirement in %(month)s")
            % {"month": f"{month:%Y-%m}"},
            body=_("At least one of your groups learned less than %(hours)s hours this month.")
            % {"hours": required // 60},
        )
    portal_services.audit_record(
        actor=None,
        action="curriculum.shortfalls_flagged",
        data={"month": f"{month:%Y-%m}", "groups": len(group_ids)},
    )
    return len(group_ids)


def hours_rebuild(*, month: date) -> int:
    """Rewrite every group's record for `month` from the source rows in a few set-based
    queries (after bulk loads: seed_scale, imports). Returns how many records were written."""
    return _hours_write(month=month)
