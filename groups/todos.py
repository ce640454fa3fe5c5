"""To-dos of the groups app on the home page (portal.todo): a coordinator's open groups that
have no volunteer yet, counted exactly as the group list's "has no volunteer yet" filter (up to
portal.todo.CAP: "99+" past it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup
from groups.selectors import group_list_for_coordinator
from portal.models import StaffRole
from portal.todo import Todo, capped_count


def items(user, roles) -> list[Todo]:
    if not (user.is_superuser or StaffRole.Role.COORDINATOR in roles):
        return []
    active = CorrectionGroup.Status.ACTIVE
    count = capped_count(
        group_list_for_coordinator(user).filter(has_volunteer=False, status=active)
    )
    url = f"{reverse('groups:list')}?no_volunteer=on&status={active}"
    return [Todo.counted(_("Groups without a volunteer"), url, count)]
