"""To-dos of the curriculum on the home page (portal.todo): a learner's session today with its
countdown and hours this month against the requirement, the sessions of tomorrow for those who
run them, and for coordinators the groups still below the month's hours."""

import math
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from curriculum import conf
from curriculum.models import LearningHours
from curriculum.selectors import next_session_today, sessions_visible_to
from groups.models import CorrectionGroup, Membership
from portal.models import AccountKind, StaffRole
from portal.selectors import regions_covered_by
from portal.todo import Todo, capped_count

RUNS_SESSIONS = {StaffRole.Role.COORDINATOR, StaffRole.Role.EDUCATION_OFFICER}


def _learner(user) -> Todo:
    month = timezone.localdate().replace(day=1)
    mine = Membership.objects.filter(
        user=user, role=Membership.Role.LEARNER, left_at__isnull=True
    ).values("group_id")
    minutes = (
        LearningHours.objects.filter(group_id__in=mine, month=month).aggregate(
            m=Sum("total_minutes")
        )["m"]
        or 0
    )
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


def items(user, roles) -> list[Todo]:
    todos = []
    if user.kind == AccountKind.LEARNER:
        today = today_lesson(user, timezone.now())
        if today:
            todos.append(today)
        todos.append(_learner(user))
    if user.is_superuser or roles & RUNS_SESSIONS or user.kind == AccountKind.SOCIAL_WORKER:
        tomorrow = timezone.localdate() + timedelta(days=1)
        # Tomorrow as a range of times, which the index on starts_at serves (a __date filter
        # converts every session's time first: a scan of all of them).
        start = timezone.make_aware(datetime.combine(tomorrow, time.min))
        end = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min))
        count = capped_count(
            sessions_visible_to(user).filter(starts_at__gte=start, starts_at__lt=end)
        )
        todos.append(Todo.counted(_("Sessions tomorrow"), reverse("curriculum:sessions"), count))
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        month = timezone.localdate().replace(day=1)
        reached = LearningHours.objects.filter(
            group=OuterRef("pk"), month=month, total_minutes__gte=conf.required_minutes()
        )
        below = CorrectionGroup.objects.filter(
            judicial_office__in=regions_covered_by(user, role=StaffRole.Role.COORDINATOR),
            status=CorrectionGroup.Status.ACTIVE,
        ).filter(~Exists(reached))
        # Up to portal.todo.CAP ("99+"): the report gives every group and its hours.
        count = capped_count(below)
        todos.append(
            Todo.counted(_("Groups below the month's hours"), reverse("curriculum:report"), count)
        )
    return todos
