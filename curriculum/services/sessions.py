"""Offline sessions: scheduled by a lead or an education officer, with a roster of groups whose
attendance is then recorded (present / absent / excused, minutes)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import Attendance, DeliveryMode, LessonPage, LessonSession
from curriculum.selectors import groups_schedulable_by
from curriculum.services.hours import hours_recompute_groups, month_of
from groups.models import CorrectionGroup, Membership
from portal import services as portal_services
from portal.models import Region, User


def _common_region(groups: list[CorrectionGroup]) -> Region:
    """The smallest region holding every group's judicial office."""
    return Region.objects.get(path=Region.common_path(g.judicial_office.path for g in groups))


@dataclass(frozen=True)
class SessionData:
    lesson: LessonPage
    starts_at: datetime
    ends_at: datetime
    place: str
    facilitator: str
    groups: list[CorrectionGroup]


@transaction.atomic
def session_schedule(*, data: SessionData, scheduled_by: User) -> LessonSession:
    """Schedule an offline session and put each group on its roster; the leads are told."""
    from messaging.services import notify

    errors = {}
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    if data.lesson.delivery_mode == DeliveryMode.ONLINE:
        errors["lesson"] = _("This lesson is online only; choose one taught in sessions.")
    if not data.lesson.live:
        errors["lesson"] = _("Only published lessons can be scheduled.")
    if not data.groups:
        errors["groups"] = _("Choose at least one group.")
    closed = [g.code for g in data.groups if g.is_closed]
    if closed:
        errors["groups"] = _("These groups are closed: %(codes)s.") % {"codes": ", ".join(closed)}
    allowed = set(
        groups_schedulable_by(scheduled_by)
        .filter(pk__in=[g.pk for g in data.groups])
        .values_list("pk", flat=True)
    )
    if any(g.pk not in allowed for g in data.groups):
        errors["groups"] = _("You can only schedule sessions for your own groups.")
    if errors:
        raise ValidationError(errors)
    session = LessonSession.objects.create(
        lesson=data.lesson,
        region=_common_region(data.groups),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place.strip(),
        facilitator=data.facilitator.strip(),
        created_by=scheduled_by,
    )
    Attendance.objects.bulk_create(Attendance(session=session, group=g) for g in data.groups)
    leads = Membership.objects.filter(
        group__in=data.groups, role=Membership.Role.LEAD, left_at__isnull=True
    ).values_list("user_id", flat=True)
    when = timezone.localtime(data.starts_at)
    notify(
        recipients=[pk for pk in leads if pk != scheduled_by.pk],
        kind="curriculum.session_scheduled",
        title=_("Session on %(when)s: %(title)s")
        % {"when": f"{when:%Y-%m-%d %H:%M}", "title": data.lesson.title},
        body=session.place,
        url=f"/learning/sessions/{session.pk}/",
    )
    portal_services.audit_record(
        actor=scheduled_by,
        action="curriculum.session_scheduled",
        target=session,
        region=session.region,
        data={"lesson": data.lesson.pk, "groups": [g.code for g in data.groups]},
    )
    return session


@transaction.atomic
def attendance_record(
    *, session: LessonSession, rows: dict[int, tuple[str, int]], recorded_by: User
) -> list[Attendance]:
    """Record the roster: {group id: (status, minutes)}. Present groups need minutes, up to the
    session's length; absent and excused ones count none. All or nothing."""
    roster = {a.group_id: a for a in session.roster.select_related("group").select_for_update()}
    length = session.length_minutes
    errors = []
    if session.starts_at > timezone.now():
        errors.append(_("Attendance can be recorded once the session has started."))
    for group_id, (status, minutes) in rows.items():
        attendance = roster.get(group_id)
        if attendance is None:
            errors.append(_("A group that is not on the roster was given."))
            continue
        code = attendance.group.code
        if status not in Attendance.Status.values or status == Attendance.Status.EXPECTED:
            errors.append(_("%(code)s: choose present, absent or excused.") % {"code": code})
        elif minutes < 0 or minutes > length:
            errors.append(
                _("%(code)s: minutes must be between 0 and the session's %(length)s.")
                % {"code": code, "length": length}
            )
        elif status == Attendance.Status.PRESENT and minutes == 0:
            errors.append(_("%(code)s: a group present needs its minutes.") % {"code": code})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changed = []
    for group_id, (status, minutes) in rows.items():
        attendance = roster[group_id]
        attendance.status = status
        attendance.minutes = minutes if status == Attendance.Status.PRESENT else 0
        attendance.recorded_by, attendance.recorded_at = recorded_by, now
        changed.append(attendance)
    Attendance.objects.bulk_update(changed, ["status", "minutes", "recorded_by", "recorded_at"])
    hours_recompute_groups(group_ids=list(rows), month=month_of(session.starts_at))
    portal_services.audit_record(
        actor=recorded_by,
        action="curriculum.attendance_recorded",
        target=session,
        region=session.region,
        data={"groups": len(changed)},
    )
    return changed


@transaction.atomic
def session_remind(*, session_id: int) -> bool:
    """Remind the leads of a session's groups the day before; once."""
    from messaging.services import notify

    session = (
        LessonSession.objects.select_for_update()
        .select_related("lesson")
        .filter(pk=session_id, reminded_at__isnull=True)
        .first()
    )
    if session is None:
        return False
    leads = Membership.objects.filter(
        group__attendances__session=session, role=Membership.Role.LEAD, left_at__isnull=True
    ).values_list("user_id", flat=True)
    when = timezone.localtime(session.starts_at)
    notify(
        recipients=list(leads),
        kind="curriculum.session_reminder",
        title=_("Tomorrow %(when)s: %(title)s")
        % {"when": f"{when:%H:%M}", "title": session.lesson.title},
        body=session.place,
        url=f"/learning/sessions/{session.pk}/",
    )
    session.reminded_at = timezone.now()
    session.save(update_fields=["reminded_at"])
    return True
