"""Correction groups: open at the month's end, by stage, without a volunteer, with needs nobody
serves; entered and closed in the month. Counted in the group's judicial office."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, tally
from groups.models import CorrectionGroup, GroupNeed, Membership, Stage
from volunteers.models import VolunteerProfile


def open_at(until) -> Q:
    """Groups open at the instant `until`: created before it, not closed by then."""
    return Q(created_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=until))


def _member_at(until) -> Q:
    return Q(joined_at__lt=until) & (Q(left_at__isnull=True) | Q(left_at__gte=until))


def _unmet_need(until) -> Exists:
    """A need of the group that no member with an approved profile serves with a skill: the
    rule of matching.suggest.groups_with_unmet_needs, as of `until`."""
    served = Membership.objects.filter(
        _member_at(until),
        group=OuterRef("group"),
        user__volunteer_profile__status=VolunteerProfile.Status.APPROVED,
        user__volunteer_profile__skills__serves=OuterRef("need"),
    )
    return Exists(GroupNeed.objects.filter(group=OuterRef("pk")).exclude(Exists(served)))


def groups_state(context: Context, months: list[date], regions) -> Cells:
    groups = CorrectionGroup.objects.all()
    if regions is not None:
        groups = groups.filter(judicial_office_id__in=regions)
    cells: Cells = {}
    for month in months:
        until = min(m.bounds(month)[1], context.now)
        volunteer = Membership.objects.filter(
            _member_at(until), group=OuterRef("pk"), role=Membership.Role.VOLUNTEER
        )
        rows = (
            groups.filter(open_at(until))
            .values_list("judicial_office_id", "stage")
            .annotate(
                n=Count("pk"),
                no_volunteer=Count("pk", filter=~Q(Exists(volunteer))),
                unmet=Count("pk", filter=Q(_unmet_need(until))),
            )
            .order_by()
        )
        for office, stage, n, no_volunteer, unmet in rows:
            # A group open then and released since was in correction then.
            by_stage = "groups.entry" if stage == Stage.ENTRY else "groups.active"
            for key, value in (
                ("groups.open", n),
                (by_stage, n),
                ("groups.no_volunteer", no_volunteer),
                ("groups.unmet_needs", unmet),
            ):
                if value:
                    cells[(office, month, key)] = cells.get((office, month, key), 0) + value
    return cells


def groups_flow(context: Context, months: list[date], regions) -> Cells:
    groups = CorrectionGroup.objects.all()
    if regions is not None:
        groups = groups.filter(judicial_office_id__in=regions)
    start, end = m.bounds(months[0])[0], m.bounds(months[-1])[1]
    wanted = set(months)
    cells: Cells = {}
    started = (
        groups.filter(start_date__gte=months[0], start_date__lt=m.add_months(months[-1], 1))
        .values_list("judicial_office_id", TruncMonth("start_date"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    tally(cells, started, "groups.started", wanted)
    closed = (
        groups.filter(closed_at__gte=start, closed_at__lt=end)
        .values_list("judicial_office_id", TruncMonth("closed_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    tally(cells, closed, "groups.closed", wanted)
    return cells


COUNTERS = (
    Counter(
        "groups.state",
        (
            "groups.open",
            "groups.entry",
            "groups.active",
            "groups.no_volunteer",
            "groups.unmet_needs",
        ),
        groups_state,
        state=True,
    ),
    Counter("groups.flow", ("groups.started", "groups.closed"), groups_flow),
)
