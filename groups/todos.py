"""To-dos of the groups app on the home page (portal.todo): a coordinator's open groups that
have no volunteer yet, counted exactly as the group list's "has no volunteer yet" filter (up to
portal.todo.CAP: "99+" past it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup
from groups.selectors import group_list_for_coordinator
from portal.models import StaffRole
from portal.scoped import RegionScopedRow
from portal.todo import CappedCount, Todo

COORDINATOR = StaffRole.Role.COORDINATOR


def _figures(person, _variant) -> dict:
    active = CorrectionGroup.Status.ACTIVE
    rows = group_list_for_coordinator(person).filter(has_volunteer=False, status=active)
    return {"without_volunteer": CappedCount(rows)}


# Building the list's queryset cost more than the database took to count.
_ROW = RegionScopedRow(_figures, roles={COORDINATOR})


def items(user, roles) -> list[Todo]:
    if not (user.is_superuser or COORDINATOR in roles):
        return []
    active = CorrectionGroup.Status.ACTIVE
    url = f"{reverse('groups:list')}?no_volunteer=on&status={active}"
    count = _ROW.get(user)["without_volunteer"]
    return [Todo.counted(_("Groups without a volunteer"), url, count)]
