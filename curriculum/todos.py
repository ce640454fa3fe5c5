"""To-dos of the curriculum on the home page (portal.todo): a learner's session today with its
countdown and hours this month against the requirement, the sessions of tomorrow for those who
run them, and for coordinators the groups still below the month's hours."""

import math
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from curriculum import conf
from curriculum.models import LearningHours
from curriculum.selectors import SCHEDULING_ROLES, next_session_today, sessions_visible_to
from groups.models import CorrectionGroup, Membership
from portal.models import AccountKind, StaffRole
from portal.prepared import Prepared
from portal.scoped import RegionScopedRow
from portal.selectors import regions_covered_by
from portal.todo import CappedCount, Todo

RUNS_SESSIONS = {StaffRole.Role.COORDINATOR, StaffRole.Role.EDUCATION_OFFICER}


def _minutes_query(user_id: int, month: date):
    """The month's minutes of each group the learner is in (a row a group, mostly one)."""
    mine = Membership.objects.filter(
        user_id=user_id, role=Membership.Role.LEARNER, left_at__isnull=True
    ).values("group_id")
    return LearningHours.objects.filter(group_id__in=mine, month=month).values_list("total_minutes")


# Compiled once per process (portal.prepared): a learner's every visit to /me/ reads it.
_MINUTES = Prepared(_minutes_query, user_id=-7_204_851, month=date(1901, 2, 1))


def _learner(user) -> Todo:
    month = timezone.localdate().replace(day=1)
    minutes = sum(m for (m,) in _MINUTES.rows(user_id=user.pk, month=month))
    required = conf.required_minutes()
    return Todo(
        _("Learning this month"),
        reverse("curriculum:mine"),
        note=_("%(done)s of %(required)s hours")
        % {
            "done": round(minutes / 60, 1),
            "required": round(required / 60, 1),
        },
        percent=min(100, minutes * 100 // required) if required else 100,
        urgent=minutes < required,
    )


def countdown(starts_at: datetime, now: datetime) -> str:
    """What is left until a session starts, in whole minutes rounded up ("in progress" once it
    has started); computed on the server, so the page needs no script."""
    seconds = (starts_at - now).total_seconds()
    if seconds <= 0:
        return pgettext("session", "in progress")
    hours, minutes = divmod(math.ceil(seconds / 60), 60)
    if hours:
        return _("starts in %(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("starts in %(minutes)d min") % {"minutes": minutes}


def today_lesson(user, now: datetime) -> Todo | None:
    """The learner's next session today (or the one under way): one query, None if none."""
    session = next_session_today(user, now=now)
    if session is None:
        return None
    return Todo(
        _("Today's lesson: %(title)s") % {"title": session.lesson.title},
        reverse("curriculum:mine"),
        note=_("%(time)s, %(place)s · %(countdown)s")
        % {
            "time": f"{timezone.localtime(session.starts_at):%H:%M}",
            "place": session.place,
            "countdown": countdown(session.starts_at, now),
        },
        urgent=True,
    )


def _staff_figures(person, coordinator: bool, **values) -> dict:
    """The sessions of tomorrow the person may see (start to end), and for a coordinator the
    open groups of their regions still below the month's `required` minutes; each up to
    portal.todo.CAP ("99+": the lists give the exact figures)."""
    figures = {
        "tomorrow": CappedCount(
            sessions_visible_to(person).filter(
                starts_at__gte=values["start"], starts_at__lt=values["end"]
            )
        )
    }
    if coordinator:
        reached = LearningHours.objects.filter(
            group=OuterRef("pk"), month=values["month"], total_minutes__gte=values["required"]
        )
        below = CorrectionGroup.objects.filter(
            judicial_office__in=regions_covered_by(person, role=StaffRole.Role.COORDINATOR),
            status=CorrectionGroup.Status.ACTIVE,
        ).filter(~Exists(reached))
        figures["below"] = CappedCount(below)
    return figures


# In one row, compiled once per process for each shape of the person's regions.
_STAFF_ROW = RegionScopedRow(
    _staff_figures,
    roles=SCHEDULING_ROLES,
    start=datetime(1901, 2, 3, tzinfo=UTC),
    end=datetime(1901, 2, 4, tzinfo=UTC),
    month=date(1901, 2, 1),
    # Inside the column's range (Django drops a comparison with a value out of it), and no
    # requirement is 4,000 years of learning a month.
    required=2_147_204_852,
)


def items(user, roles) -> list[Todo]:
    todos = []
    if user.kind == AccountKind.LEARNER:
        today = today_lesson(user, timezone.now())
        if today:
            todos.append(today)
        todos.append(_learner(user))
    coordinator = user.is_superuser or StaffRole.Role.COORDINATOR in roles
    if not (coordinator or roles & RUNS_SESSIONS or user.kind == AccountKind.SOCIAL_WORKER):
        return todos
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Tomorrow as a range of times, which the index on starts_at serves (a __date filter
    # converts every session's time first: a scan of all of them).
    values = {
        "start": timezone.make_aware(datetime.combine(tomorrow, time.min)),
        "end": timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min)),
    }
    if coordinator:
        values["month"] = timezone.localdate().replace(day=1)
        values["required"] = conf.required_minutes()
    row = _STAFF_ROW.get(user, coordinator, **values)
    todos.append(
        Todo.counted(_("Sessions tomorrow"), reverse("curriculum:sessions"), row["tomorrow"])
    )
    if coordinator:
        todos.append(
            Todo.counted(
                _("Groups below the month's hours"), reverse("curriculum:report"), row["below"]
            )
        )
    return todos
