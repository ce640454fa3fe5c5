"""Reads of staff administration, each scoped to what the asking user may manage."""

from django.db.models import QuerySet
from django.http import Http404

from portal import rights
from portal.models import Region, StaffRole, User


def manageable_regions(user: User) -> QuerySet[Region]:
    """The regions the user may give roles over, in tree order (the forms' region choices)."""
    return (
        rights.regions_with(user, rights.STAFF_MANAGE)
        .filter(retired_at__isnull=True)  # a retired region takes no new roles
        .order_by("path")
    )


def staff_roles_visible_to(user: User) -> QuerySet[StaffRole]:
    """Every staff role over a region the user manages, with its person, region and granter:
    admins see all; a coordinator the roles at or below their own regions, their own included.
    One query for any number of roles (the region scope is a subquery)."""
    roles = StaffRole.objects.select_related("user", "region", "granted_by").order_by(
        "region__path", "role", "user__display_name", "pk"
    )
    if user.is_superuser:
        return roles
    return roles.filter(region__in=rights.regions_with(user, rights.STAFF_MANAGE).values("pk"))


def person_for_staff(viewer: User, pk: int) -> tuple[User, list[StaffRole]]:
    """A person and the roles of theirs the viewer may see. Anyone the viewer manages no role
    of is a 404 (admins may open every account), so the page does not say who holds roles
    elsewhere."""
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    roles = list(staff_roles_visible_to(viewer).filter(user=person))
    if not roles and not viewer.is_superuser:
        raise Http404
    return person, roles


def staff_role_for_revoking(viewer: User, pk: int) -> StaffRole:
    """A role the viewer may take away; 404 for any other (their own included)."""
    staff_role = staff_roles_visible_to(viewer).filter(pk=pk).first()
    if staff_role is None or not rights.may_manage_role(
        viewer, user=staff_role.user, role=staff_role.role, region=staff_role.region
    ):
        raise Http404
    return staff_role
