"""Reads of the shared core, each already scoped to the user asking."""

from django.db.models import Count, Q, QuerySet

from portal.models import AccountKind, Region, StaffRole, User


def regions_covered_by(user: User, *, role: str | None = None) -> QuerySet[Region]:
    """Every region the user's staff roles cover (a role covers its region and all beneath)."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    roles = user.staff_roles.all()
    if role:
        roles = roles.filter(role=role)
    paths = list(roles.values_list("region__path", flat=True))
    if not paths:
        return Region.objects.none()
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return Region.objects.filter(scope)


def user_covers_region(user: User, region: Region, *, role: str | None = None) -> bool:
    return regions_covered_by(user, role=role).filter(pk=region.pk).exists()


def user_roles(user: User) -> set[str]:
    """The staff roles a user holds anywhere, for navigation."""
    if not user.is_authenticated:
        return set()
    return set(StaffRole.objects.filter(user=user).values_list("role", flat=True))


def staff_roles_of(user: User) -> list[StaffRole]:
    """The user's own staff roles with their regions, for their workspace."""
    return list(StaffRole.objects.filter(user=user).select_related("region").order_by("role"))


def portal_counts() -> dict[str, int]:
    """The figures on the home page: who takes part.

    Volunteers and social workers are counted by account kind until vetting exists; later apps
    (partners, curriculum) replace the zero placeholders with their own counts.
    """
    by_kind = User.objects.filter(is_active=True).aggregate(
        volunteers=Count("pk", filter=Q(kind=AccountKind.VOLUNTEER)),
        social_workers=Count("pk", filter=Q(kind=AccountKind.SOCIAL_WORKER)),
    )
    return {**by_kind, "universities": 0, "enterprises": 0, "lessons": 0}
