"""Every read of correction groups, scoped to the user asking (DESIGN.md, "Privacy by design").

Coordinators see the groups of their region and below; members see the groups they are in;
everyone else sees nothing, and views answer 404 so a group's existence does not leak.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from groups.models import CorrectionGroup, Membership
from portal import services as portal_services
from portal.models import OffenceCategory, Region, StaffRole, User
from portal.prepared import Prepared, columns, split_row
from portal.selectors import covers_path, regions_covered_by

COORDINATOR = StaffRole.Role.COORDINATOR
# Roles that see the restrictions' details and take part in casework decisions.
CASEWORK_ROLES = {Membership.Role.LEAD, Membership.Role.SOCIAL_WORKER}


def places_counting_load() -> QuerySet[Membership]:
    """The places that count towards a person's load, which groups.rules.capacity_refusal
    compares with their max_groups: held (not left) in an active group. The gate, matching and
    the scale seed all count these, so a closed group frees its members' places everywhere."""
    return Membership.objects.filter(
        left_at__isnull=True, group__status=CorrectionGroup.Status.ACTIVE
    )


def _active_membership(user: User):
    return Membership.objects.filter(group=OuterRef("pk"), user=user, left_at__isnull=True)


def groups_coordinated_by(user: User) -> QuerySet[CorrectionGroup]:
    """The groups in the regions where the user is a coordinator (all of them for admins)."""
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    if user.is_superuser:
        return CorrectionGroup.objects.all()
    return CorrectionGroup.objects.filter(
        judicial_office__in=regions_covered_by(user, role=COORDINATOR)
    )


def groups_visible_to(user: User) -> QuerySet[CorrectionGroup]:
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    if user.is_superuser:
        return CorrectionGroup.objects.all()
    return CorrectionGroup.objects.filter(
        Q(judicial_office__in=regions_covered_by(user, role=COORDINATOR))
        | Q(Exists(_active_membership(user)))
    )


def group_list_for_coordinator(user: User) -> QuerySet[CorrectionGroup]:
    """The groups of the coordinator's list, with has_volunteer for its filter; what a card
    shows is read for one page's rows only (groups.listing)."""
    return groups_coordinated_by(user).annotate(has_volunteer=has_volunteer())


def has_volunteer() -> Exists:
    """Whether the group (OuterRef) has an active volunteer."""
    return Exists(
        Membership.objects.filter(
            group=OuterRef("pk"), left_at__isnull=True, role=Membership.Role.VOLUNTEER
        )
    )


def ending_window(days: int) -> tuple[date, date]:
    """The planned end dates "within `days`" means: from today to `days` later."""
    today = timezone.localdate()
    return today, today + timedelta(days=days)


def groups_ending_between(queryset, first: date, last: date):
    """The active groups whose planned end falls from `first` to `last`."""
    return queryset.filter(
        status=CorrectionGroup.Status.ACTIVE,
        planned_end_date__gte=first,
        planned_end_date__lte=last,
    )


def my_groups(user: User) -> QuerySet[Membership]:
    """The user's memberships, current first, with their groups."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("group__judicial_office", "group__offence")
        .order_by("left_at", "-joined_at")
    )


@dataclass(frozen=True)
class GroupAccess:
    """What one user may see and do in one group."""

    is_coordinator: bool
    role: str | None  # the user's active role in the group, if any

    @property
    def sees_restricted(self) -> bool:
        """Case notes: the lead and coordinators only."""
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def sees_restrictions(self) -> bool:
        """The details of restrictions and execution area: casework roles and coordinators."""
        return self.is_coordinator or self.role in CASEWORK_ROLES

    @property
    def sees_timeline(self) -> bool:
        return self.is_coordinator or self.role in CASEWORK_ROLES

    @property
    def manages_members(self) -> bool:
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def hands_over_lead(self) -> bool:
        return self.is_coordinator or self.role == Membership.Role.LEAD

    @property
    def edits(self) -> bool:
        return self.is_coordinator

    @property
    def chats(self) -> bool:
        """The group's chat room is its active members' (messaging.selectors.chat_access)."""
        return self.role is not None

    @property
    def closes(self) -> bool:
        return self.is_coordinator


# The group by code with its office and offence (every column of each, as select_related reads
# them) and the user's active role in it, in one query compiled once per process
# (portal.prepared): every group page and action starts with it, and building the query cost
# more than running it (#20).
_GROUP_COLUMNS = (
    (CorrectionGroup, ""),
    (Region, "judicial_office__"),
    (OffenceCategory, "offence__"),
)
_GROUP = Prepared(
    lambda code, user_id: (
        CorrectionGroup.objects.filter(code=code)
        .annotate(access_role=Subquery(_active_membership(user_id).values("role")[:1]))
        .order_by()
        .values_list(
            *(name for model, prefix in _GROUP_COLUMNS for name in columns(model, prefix)),
            "access_role",
        )
    ),
    code="~stand-in~",
    user_id=-7_204_901,
)


def _group_by_code(code: str, user: User) -> CorrectionGroup | None:
    """The group with this code (any user's: the caller checks scope), with access_role."""
    rows = _GROUP.rows(code=code, user_id=user.pk)
    if not rows:  # the code is unique: at most one
        return None
    row = rows[0]
    group, group.judicial_office, group.offence = split_row([m for m, _ in _GROUP_COLUMNS], row)
    group.access_role = row[-1]
    return group


def group_for_user(
    user: User, code: str, *, audit: bool = True
) -> tuple[CorrectionGroup, GroupAccess]:
    """The group with this code if the user may see it, with their access; 404 otherwise.

    Reading a group's detail is itself audited.
    """
    # The user's role in the group comes with the group, in its one query, and whether they
    # coordinate it is read off its judicial office's path against the roles already read (two
    # queries fewer on every group page and action, #20). These two are what groups_visible_to
    # asks (its active membership, its region scope), so the group is looked up by its code
    # alone and the scope checked on them here: the same rule, built and compiled once.
    if not user.is_authenticated:
        raise Http404
    group = _group_by_code(code, user)
    if group is None:
        raise Http404
    coordinates = _coordinates(user, group.judicial_office)
    if not (coordinates or group.access_role is not None):
        raise Http404
    if audit:
        group_read_audit(user, group)
    return group, GroupAccess(is_coordinator=coordinates, role=group.access_role)


def _coordinates(user: User, office: Region) -> bool:
    """Whether the office is in a region the user coordinates."""
    return covers_path(user, office.path, role=COORDINATOR)


def group_read_audit(user: User, group: CorrectionGroup) -> None:
    """One audit row for a read of the group's record: its page, or any other page that shows
    its restricted fields (the edit form shows the case notes)."""
    portal_services.audit_record(
        actor=user, action="group.viewed", target=group, region=group.judicial_office
    )


def group_learner(group: CorrectionGroup) -> Membership | None:
    """The group's current learner membership, with the account (None before one is made)."""
    return (
        group.memberships.filter(role=Membership.Role.LEARNER, left_at__isnull=True)
        .select_related("user")
        .first()
    )


def leads_and_coordinators(group_ids) -> dict[int, list[int]]:
    """For each group: the user ids of its current lead and of the coordinators over its
    judicial office (who are told of what the group's casework needs). Three queries for any
    number of groups."""
    groups = list(
        CorrectionGroup.objects.filter(pk__in=group_ids).values_list("pk", "judicial_office__path")
    )
    leads = dict(
        Membership.objects.filter(
            group_id__in=[pk for pk, _path in groups],
            role=Membership.Role.LEAD,
            left_at__isnull=True,
        ).values_list("group_id", "user_id")
    )
    paths = {p for _pk, path in groups for p in Region.paths_above_all([path])}
    by_path = {}
    for path, user_id in StaffRole.objects.filter(
        role=COORDINATOR, region__path__in=paths
    ).values_list("region__path", "user_id"):
        by_path.setdefault(path, set()).add(user_id)
    found = {}
    for pk, path in groups:
        users = set().union(*(by_path.get(p, set()) for p in Region.paths_above_all([path])))
        if pk in leads:
            users.add(leads[pk])
        found[pk] = sorted(users)
    return found
