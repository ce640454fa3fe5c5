"""Who an alert reaches: the active members of the groups in its scope (social workers,
volunteers, partner contacts, leads), or all staff and group leads of a region; optionally only
some roles. Learners never receive one, so no supervised person ever reads an alert about their
own group. Each person is reached once, through their most responsible place."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from alerts.models import Alert, Recipient
from groups.models import CorrectionGroup, Membership
from portal.models import AccountKind, Region, StaffRole

# A person in several places is counted in the first of these (the board lists them there).
ROLE_ORDER = {role: n for n, role in enumerate(Recipient.Role.values)}
# The reach of "the groups of a region", by the region's level.
GROUPS_REACH_BY_LEVEL = {
    Region.Level.JUDICIAL_OFFICE: Alert.Reach.OFFICE,
    Region.Level.COUNTY: Alert.Reach.COUNTY,
    Region.Level.CITY: Alert.Reach.CITY,
}
# Roles that "all staff and group leads" can hold.
STAFF_REACH_ROLES = {Recipient.Role.LEAD, Recipient.Role.STAFF}


@dataclass(frozen=True)
class Reach:
    kind: str  # Alert.Reach
    region: Region  # the scope; a group's judicial office for Reach.GROUP
    group: CorrectionGroup | None = None
    roles: tuple[str, ...] = ()  # Recipient.Role values; empty: all


@dataclass(frozen=True)
class Target:
    user_id: int
    group_id: int | None
    role: str


def check(reach: Reach) -> None:
    """Refuse a reach that does not fit its region (a province's groups, a closed group)."""
    if reach.kind == Alert.Reach.GROUP:
        if reach.group is None:
            raise ValidationError({"group_code": _("Enter the code of the group to alert.")})
        if reach.group.is_closed:
            raise ValidationError({"group_code": _("This group is closed.")})
    elif reach.kind != Alert.Reach.REGION_STAFF and (
        GROUPS_REACH_BY_LEVEL.get(reach.region.level) != reach.kind
    ):
        raise ValidationError(
            {"region": _("Choose a city, a county or a judicial office for the groups to alert.")}
        )
    unknown = set(reach.roles) - set(Recipient.Role.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}}
        )
    if (
        reach.kind == Alert.Reach.REGION_STAFF
        and reach.roles
        and not (set(reach.roles) & STAFF_REACH_ROLES)
    ):
        raise ValidationError({"roles": _("All staff and group leads: choose staff or leads.")})


def targets(reach: Reach, *, sender_id: int | None = None) -> list[Target]:
    """Every person the reach holds, once each, the sender left out; two queries."""
    check(reach)
    roles = set(reach.roles)
    found: list[tuple[int, int | None, str]] = []
    members = Membership.objects.filter(
        group__in=_groups(reach), left_at__isnull=True, user__is_active=True
    ).exclude(role=Membership.Role.LEARNER)
    if reach.kind == Alert.Reach.REGION_STAFF:
        members = members.filter(role=Membership.Role.LEAD)
    if roles:
        members = members.filter(role__in=roles)
    # A learner account is never a recipient, whatever role it was given by mistake.
    found += members.exclude(user__kind=AccountKind.LEARNER).values_list(
        "user_id", "group_id", "role"
    )
    if reach.kind == Alert.Reach.REGION_STAFF and (not roles or Recipient.Role.STAFF in roles):
        staff = (
            StaffRole.objects.filter(region__path__startswith=reach.region.path)
            .filter(user__is_active=True)
            .exclude(user__kind=AccountKind.LEARNER)
            .values_list("user_id", flat=True)
            .distinct()
        )
        found += [(user_id, None, Recipient.Role.STAFF) for user_id in staff]
    best: dict[int, Target] = {}
    for user_id, group_id, role in found:
        if user_id == sender_id:
            continue
        target = Target(user_id, group_id, role)
        if user_id not in best or _rank(target) < _rank(best[user_id]):
            best[user_id] = target
    # In group order, so the rows of one group sit together (the board reads them that way).
    return sorted(best.values(), key=lambda t: (t.group_id or 0, _rank(t), t.user_id))


def _rank(target: Target) -> tuple[int, int]:
    """Lower is the better place to count someone: the more responsible role, then the first
    group."""
    return ROLE_ORDER[target.role], target.group_id or 0


def _groups(reach: Reach):
    if reach.kind == Alert.Reach.GROUP:
        return CorrectionGroup.objects.filter(pk=reach.group.pk)
    return CorrectionGroup.objects.filter(
        status=CorrectionGroup.Status.ACTIVE, judicial_office__path__startswith=reach.region.path
    )
