"""The groups app's to-do on a coordinator's home page (/me/): the open groups of their regions
that have no volunteer yet, counted up to portal.todo.CAP ("99+" past it, as a province holds
thousands) and linking to the list filtered the same way."""

from django.urls import reverse

from groups import services
from groups.models import CorrectionGroup, Membership
from tests import factories
from tests.groups.conftest import group_data
from tests.todo_items import home, todos

NO_VOLUNTEER = "尚无志愿者的小组"


def test_coordinators_see_their_open_groups_without_a_volunteer_up_to_the_cap(
    world, regions, client_for, monkeypatch
):
    monkeypatch.setattr("portal.todo.CAP", 2)
    url = f"{reverse('groups:list')}?no_volunteer=on&amp;status={CorrectionGroup.Status.ACTIVE}"
    item = todos(home(client_for, world.coordinator))[NO_VOLUNTEER]
    assert (item.count, item.more, item.url) == (0, False, url)  # the group has a volunteer
    created = [
        services.group_create(data=group_data(regions), created_by=world.coordinator)
        for _ in range(3)
    ]
    item = todos(home(client_for, world.coordinator))[NO_VOLUNTEER]
    assert (item.count, item.more) == (2, True)
    assert '<span class="todo-count">2+</span>' in home(client_for, world.coordinator)
    CorrectionGroup.objects.filter(pk=created[0].pk).update(status=CorrectionGroup.Status.CLOSED)
    item = todos(home(client_for, world.coordinator))[NO_VOLUNTEER]
    assert (item.count, item.more) == (2, False)  # exactly the cap: no "+"
    services.member_add(
        group=created[1],
        user=factories.vetted(factories.VolunteerFactory()),
        role=Membership.Role.VOLUNTEER,
        added_by=world.coordinator,
    )
    assert todos(home(client_for, world.coordinator))[NO_VOLUNTEER].count == 1
    # Another region's coordinator counts none of them; a volunteer has no such item.
    assert todos(home(client_for, world.other_coordinator))[NO_VOLUNTEER].count == 0
    assert NO_VOLUNTEER not in todos(home(client_for, world.volunteer))
