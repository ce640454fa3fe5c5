"""What each staff role may do, written once. README "Roles and rights" is this table in words.

A staff role is held over a region and covers every region beneath it, so a right is always
"over a region": has_right(user, right, region) asks about one region, has_right(user, right)
about anywhere at all (the menu), and regions_with(user, right) gives the regions as a queryset
for a page's rows. Admins (superusers) hold every right everywhere; admin itself is never a
staff role and cannot be granted from the portal.

The checks are a `rules` RuleSet of one rule per right (admin, or a role with the right over the
region); the role memo of portal.selectors feeds them, so a page asking many times pays one query.
"""

import rules
from django.db.models import Q, QuerySet

from portal.models import Region, StaffRole, User
from portal.selectors import staff_role_paths

Role = StaffRole.Role

STAFF_MANAGE = "staff.manage"  # list, invite to and revoke staff roles at or below the region
GROUPS_VIEW_REGION = "groups.view_region"  # the region's groups, people, vetting, matching
REPORTS_VIEW = "reports.view"  # the region's figures and reports: counts, never a person
AUDIT_VIEW = "audit.view"  # the region's audit trail
LESSONS_EDIT = "lessons.edit"  # write lessons and themes in Wagtail (its "Editors")
LESSONS_REVIEW = "lessons.review"  # approve lessons in Wagtail's workflow ("Moderators")
SESSIONS_SCHEDULE = "sessions.schedule"  # schedule offline lesson sessions in the region
ALERTS_SEND = "alerts.send"  # send urgent alerts and drills to the region's groups, close them

RIGHTS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {STAFF_MANAGE, GROUPS_VIEW_REGION, REPORTS_VIEW, AUDIT_VIEW, SESSIONS_SCHEDULE, ALERTS_SEND}
    ),
    Role.EDUCATION_OFFICER: frozenset({LESSONS_EDIT, SESSIONS_SCHEDULE}),
    Role.REVIEWER: frozenset({LESSONS_REVIEW}),
    Role.OBSERVER: frozenset({REPORTS_VIEW}),
}
ALL_RIGHTS = frozenset().union(*RIGHTS.values())

# The Wagtail group a role brings with it (created by Wagtail's and the curriculum's migrations).
WAGTAIL_GROUPS = {Role.EDUCATION_OFFICER: "Editors", Role.REVIEWER: "Moderators"}

# The event a revocation sends to the person's sockets: each re-checks what it was opened with
# and closes with 4403 when that is gone (portal.consumers, messaging.consumers).
ACCESS_REVOKED = "access.revoked"


def roles_with(right: str) -> frozenset[str]:
    """The staff roles that carry `right`."""
    return frozenset(role for role, rights in RIGHTS.items() if right in rights)


def _holds(right: str) -> rules.Predicate:
    roles = roles_with(right)

    def holds(user, region: Region | None = None) -> bool:
        paths = [path for role, path in staff_role_paths(user) if role in roles]
        if region is None:
            return bool(paths)
        return any(region.path.startswith(path) for path in paths)

    return rules.Predicate(holds, name=f"holds {right}")


RULES = rules.RuleSet()
for _right in sorted(ALL_RIGHTS):
    RULES.add_rule(_right, rules.is_superuser | _holds(_right))


def has_right(user: User, right: str, region: Region | None = None) -> bool:
    """Whether the user may do `right` over `region` (None: over any region at all)."""
    if right not in ALL_RIGHTS:
        raise KeyError(f"No such right: {right}")
    return RULES.test_rule(right, user, region)


def rights_of(user: User) -> frozenset[str]:
    """Every right the user holds somewhere, for the menu."""
    return frozenset(right for right in ALL_RIGHTS if has_right(user, right))


def regions_with(user: User, right: str) -> QuerySet[Region]:
    """Every region over which the user holds `right`, as one query of the region table."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    roles = roles_with(right)
    paths = {path for role, path in staff_role_paths(user) if role in roles}
    if not paths:
        return Region.objects.none()
    scope = Q()
    for path in sorted(paths):
        scope |= Q(path__startswith=path)
    return Region.objects.filter(scope)


def may_manage_role(actor: User | None, *, user: User, role: str, region: Region) -> bool:
    """Whether `actor` may give `user` the staff `role` over `region`, or take it away.

    Admins may, anywhere; a coordinator only over their own region or one beneath it, and never
    for themselves (nobody widens their own access). None is the system itself (migrations, demo
    and bench data), which may.
    """
    if role not in Role.values:
        return False
    if actor is None or actor.is_superuser:
        return True
    if actor.pk == user.pk:
        return False
    return has_right(actor, STAFF_MANAGE, region)
