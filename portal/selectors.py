"""Reads of the shared core, each already scoped to the user asking."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from portal.models import AccountKind, AuditEvent, Region, StaffRole, User
from portal.prepared import Prepared


def _role_paths_query(user_id):
    return StaffRole.objects.filter(user_id=user_id).values_list("role", "region__path")


# Every signed-in page reads the roles (the menu, then the permission checks): the query is
# compiled once per process (portal.prepared), not built on each request.
_ROLE_PATHS = Prepared(_role_paths_query, user_id=-7_204_950)


def _role_paths(user: User) -> tuple[tuple[str, str], ...]:
    """(role, region path) of each staff role, read once per user object: a page asks for the
    roles in the menu and again in its permission checks, and should not pay each time.
    portal.services.staff_role_grant/revoke forget it."""
    cached = getattr(user, "_portal_role_paths", None)
    if cached is None:
        cached = tuple(_ROLE_PATHS.rows(user_id=user.pk))
        user._portal_role_paths = cached
    return cached


def staff_role_paths(user: User) -> tuple[tuple[str, str], ...]:
    """(role, region path) of each staff role the user holds; nothing for anonymous visitors.
    Read once per user object (the memo above); portal.rights checks every right against it."""
    if not user.is_authenticated:
        return ()
    return _role_paths(user)


def holding(user: User, role_paths: tuple[tuple[str, str], ...]) -> User:
    """`user` as holding these (role, region path) pairs, without reading them: the stand-in
    person of a query compiled once for every person of the same shape (portal.scoped)."""
    user._portal_role_paths = tuple(role_paths)
    return user


def roles_forget(user: User) -> None:
    """Drop the memo of _role_paths after a grant or revocation."""
    if hasattr(user, "_portal_role_paths"):
        del user._portal_role_paths


def role_region_paths(user: User, *, role: str | None = None) -> list[str]:
    """The treebeard paths of the regions the user's staff roles (of `role`) are over."""
    if not user.is_authenticated:
        return []
    return [path for held, path in _role_paths(user) if role is None or held == role]


def regions_covered_by(user: User, *, role: str | None = None) -> QuerySet[Region]:
    """Every region the user's staff roles cover (a role covers its region and all beneath)."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    paths = role_region_paths(user, role=role)
    if not paths:
        return Region.objects.none()
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return Region.objects.filter(scope)


def covers_path(user: User, path: str, *, role: str | None = None) -> bool:
    """regions_covered_by's rule for one region's treebeard path, from the roles already read
    (no query): whether the user's roles (of `role`) cover it."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        path.startswith(held) for held in role_region_paths(user, role=role)
    )


def user_covers_region(user: User, region: Region, *, role: str | None = None) -> bool:
    return regions_covered_by(user, role=role).filter(pk=region.pk).exists()


def user_roles(user: User) -> set[str]:
    """The staff roles a user holds anywhere, for navigation."""
    if not user.is_authenticated:
        return set()
    return {role for role, _path in _role_paths(user)}


def staff_roles_of(user: User) -> list[StaffRole]:
    """The user's own staff roles with their regions, for their workspace (which also fills
    the memo of _role_paths: the menu asks for the same rows later in the request)."""
    roles = list(StaffRole.objects.filter(user=user).select_related("region").order_by("role"))
    if getattr(user, "_portal_role_paths", None) is None:
        user._portal_role_paths = tuple((r.role, r.region.path) for r in roles)
    return roles


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The audit trail a user may read, newest first: admins everything, coordinators the events
    of the regions they cover (and beneath), everyone else nothing.

    The region scope is a subquery of the rows' query (after one look-up of the user's roles), so
    the cost does not grow with the number of regions or events.
    """
    events = AuditEvent.objects.select_related("actor", "region", "object_type").order_by(
        "-created_at", "-id"
    )
    if not user.is_authenticated:
        return events.none()
    if user.is_superuser:
        return events
    covered = regions_covered_by(user, role=StaffRole.Role.COORDINATOR)
    return events.filter(region__in=covered.values("pk"))


# The home page's figures are the same for everyone and counted over the whole province: kept
# for HOME_CACHE_SECONDS (a minute; 0 in tests), as a visitor does not notice a figure a minute
# old, but counting tens of thousands of rows on every view of the busiest page would cost.
COUNTS_CACHE_KEY = "portal.home.counts"


def portal_counts() -> dict[str, int]:
    """The figures on the home page: who takes part, and how much there is to learn.

    Each app that knows a figure provides it (its counts.py, see portal.registry): approved
    volunteers, verified organisations, live lessons. Until one does, people are counted by
    account kind and the rest are zero.
    """
    seconds = settings.HOME_CACHE_SECONDS
    counts = cache.get(COUNTS_CACHE_KEY) if seconds else None
    if counts is None:
        counts = _counts()
        if seconds:
            cache.set(COUNTS_CACHE_KEY, counts, seconds)
    return counts


def _counts() -> dict[str, int]:
    from portal.registry import app_modules

    counts: dict[str, int] = {}
    for module in app_modules("counts"):
        counts.update(module.counts())
    if "volunteers" not in counts:
        counts.update(
            User.objects.filter(is_active=True).aggregate(
                volunteers=Count("pk", filter=Q(kind=AccountKind.VOLUNTEER)),
                social_workers=Count("pk", filter=Q(kind=AccountKind.SOCIAL_WORKER)),
            )
        )
    return {"universities": 0, "enterprises": 0, "lessons": 0, **counts}
