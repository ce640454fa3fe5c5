"""To-dos of the volunteers app on the home page (portal.todo): a volunteer's profile steps,
activities nearby, hours to log and star progress; the profiles to vet and hours to confirm of
the people who decide."""

from datetime import UTC, datetime

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from groups.gate import ROLE_KINDS
from groups.models import Membership
from portal import todo
from portal.models import AccountKind, StaffRole
from portal.prepared import Prepared, instance
from portal.scoped import RegionScopedRow
from portal.todo import CappedCount, Todo, progress_steps
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile
from volunteers.selectors import leads_held_by, profiles_visible_to, records_decidable_by
from volunteers.stars import star_progress

Status = VolunteerProfile.Status


def _profile_steps(profile: VolunteerProfile | None) -> Todo | None:
    labels = (
        pgettext("profile step", "Fill in"),
        pgettext("profile step", "Submit"),
        pgettext("profile step", "Under review"),
        pgettext("profile step", "Approved"),
    )
    if profile is None or profile.status in (Status.DRAFT, Status.NEEDS_CHANGES):
        note = _("Changes were asked for; see the reviewer's note.") if profile else ""
        return Todo(
            _("Complete your volunteer profile"),
            reverse("volunteers:profile"),
            note=note,
            steps=progress_steps(labels, 0),
            urgent=True,
        )
    if profile.status == Status.SUBMITTED:
        return Todo(
            _("Your profile is being reviewed"),
            reverse("volunteers:profile"),
            steps=progress_steps(labels, 2),
        )
    return None  # approved (or suspended, rejected, left: the profile page says why)


def _scalar(queryset, function: str, field: str = "pk") -> Subquery:
    """COUNT or SUM of `field` over the whole queryset, as a subquery of one value."""
    return Subquery(queryset.order_by().annotate(v=Func(F(field), function=function)).values("v"))


def _figures_query(profile_id: int, now: datetime, **paths: str):
    """An approved volunteer's three figures in one row (one query, not three): activities
    nearby (in or beneath the regions they serve, whose `paths` are given), hours to log and
    confirmed hours. Activities nearby up to portal.todo.CAP ("99+"): a volunteer of a whole
    province would count them all."""
    logged = ServiceRecord.objects.filter(profile_id=profile_id, activity=OuterRef("activity"))
    to_log = SignUp.objects.filter(
        profile_id=profile_id, status=SignUp.Status.CONFIRMED, activity__ends_at__lt=now
    ).filter(~Exists(logged))
    confirmed = ServiceRecord.objects.filter(
        profile_id=profile_id, status=ServiceRecord.Status.CONFIRMED
    )
    figures = {
        "to_log": _scalar(to_log, "COUNT"),
        "confirmed": _scalar(confirmed, "SUM", "hours"),
    }
    if paths:
        # Each path as a value of its own (Value), not a LIKE pattern made of it: portal.prepared
        # finds it among the parameters and puts the volunteer's own path there.
        near = Q()
        for path in paths.values():
            near |= Q(region__path__startswith=Value(path))
        figures["nearby"] = CappedCount(Activity.objects.filter(near, starts_at__gte=now))
    return VolunteerProfile.objects.filter(pk=profile_id).values(**figures)


# The figures' query, compiled once per process for each number of regions served
# (portal.prepared): building its subqueries cost more than the database took to answer. Also by
# portal.todo.CAP, which tests lower.
_FIGURES: dict[tuple, Prepared] = {}
_STAND_IN_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def _figures(profile_id: int, paths: list[str], now: datetime) -> dict:
    key = (len(paths), todo.CAP)
    prepared = _FIGURES.get(key)
    if prepared is None:
        stand_ins = {f"path{i}": f"~stand-in path {i}~" for i in range(len(paths))}
        prepared = _FIGURES[key] = Prepared(
            _figures_query, profile_id=-7_204_831, now=_STAND_IN_NOW, **stand_ins
        )
    values = {f"path{i}": path for i, path in enumerate(paths)}
    return prepared.dicts(profile_id=profile_id, now=now, **values)[0]


# The person's volunteer profile (its id and status: all the to-dos need) with the paths of the
# regions it serves, a row each (one row with no path if none), in the same way.
_PROFILE = Prepared(
    lambda user_id: (
        VolunteerProfile.objects.filter(user_id=user_id)
        .order_by("pk", "regions__path")
        .values_list("pk", "status", "regions__path")
    ),
    user_id=-7_204_832,
)


def _profile_of(user) -> tuple[VolunteerProfile | None, list[str]]:
    """The user's profile (as .first() would find it, with only its id and status loaded) and
    the paths of the regions it serves."""
    rows = _PROFILE.rows(user_id=user.pk)
    if not rows:
        return None, []
    pk, status, _path = rows[0]
    paths = [path for of, _status, path in rows if of == pk and path is not None]
    return instance(VolunteerProfile, id=pk, status=status), paths


def _approved(profile: VolunteerProfile, paths: list[str]) -> list[Todo]:
    row = _figures(profile.pk, paths, timezone.now())
    nearby, to_log, confirmed = row.get("nearby", 0), row["to_log"], row["confirmed"]
    stars = star_progress(confirmed)
    if stars.next_threshold:
        note = _("%(hours)s hours to star %(next)s") % {
            # Fixed-point: normalize() alone writes 80.0 as "8E+1".
            "hours": format(stars.hours_to_next.normalize(), "f"),
            "next": stars.stars + 1,
        }
    else:
        note = _("The highest star level")
    return [
        Todo.counted(_("Activities near me"), reverse("volunteers:activities"), nearby),
        Todo(_("Hours to log"), reverse("volunteers:hours"), count=to_log, urgent=bool(to_log)),
        Todo(
            _("Stars: %(stars)s of 5") % {"stars": stars.stars},
            reverse("volunteers:hours"),
            note=note,
            percent=stars.percent,
        ),
    ]


def _decider_figures(person, coordinator: bool) -> dict:
    """Hours to confirm, and for a coordinator profiles to vet, each counted up to
    portal.todo.CAP ("99+"): a province holds thousands. For anyone else, whether they lead a
    group (and so confirm its hours)."""
    pending = records_decidable_by(person).filter(status=ServiceRecord.Status.PENDING)
    figures = {"pending": CappedCount(pending)}
    if coordinator:
        figures["to_vet"] = CappedCount(profiles_visible_to(person).filter(status=Status.SUBMITTED))
    else:
        figures["leads"] = Exists(leads_held_by(person.pk))
    return figures


# In one row, compiled once per process for each shape of the coordinator's regions.
_DECIDER_ROW = RegionScopedRow(_decider_figures, roles={StaffRole.Role.COORDINATOR})
# Only these kinds of account may lead a group: nobody else is asked.
LEAD_KINDS = ROLE_KINDS[Membership.Role.LEAD]


def items(user, roles) -> list[Todo]:
    todos = []
    if user.kind in (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER):
        profile, paths = _profile_of(user)
        step = _profile_steps(profile)
        if step:
            todos.append(step)
        if profile is not None and profile.is_approved:
            todos += _approved(profile, paths)
    coordinator = user.is_superuser or StaffRole.Role.COORDINATOR in roles
    if not (coordinator or user.kind in LEAD_KINDS):
        return todos
    row = _DECIDER_ROW.get(user, coordinator)
    if coordinator:
        todos.append(Todo.counted(_("Profiles to vet"), reverse("volunteers:queue"), row["to_vet"]))
    if coordinator or row["leads"]:
        todos.append(
            Todo.counted(_("Hours to confirm"), reverse("volunteers:hours_review"), row["pending"])
        )
    return todos
