"""The group page leads its members to the group's chat room in one tap; people who may see
the page but are not members (coordinators of the region) get no link to a room they cannot open."""

import pytest
from django.urls import reverse

from groups import services


def chat_link(world, client_for, person) -> tuple[str | None, int | None]:
    client = client_for(getattr(world, person))
    html = client.get(reverse("groups:detail", args=[world.group.code])).content.decode()
    room = reverse("messaging:group_room", args=[world.group.code])
    if f'href="{room}"' not in html:
        return None, None
    return room, client.get(room, follow=True).status_code


@pytest.mark.parametrize("person", ["lead", "social_worker", "volunteer", "partner", "learner"])
def test_every_member_has_a_working_link_to_the_group_chat(world, client_for, person):
    room, status = chat_link(world, client_for, person)
    assert room is not None, f"{person} sees no link to the group chat"
    assert status == 200


def test_a_coordinator_who_is_not_a_member_gets_no_chat_link(world, client_for):
    assert chat_link(world, client_for, "coordinator") == (None, None)


def test_a_member_who_left_loses_the_link(world, client_for):
    services.member_remove(
        membership=world.group.memberships.get(user=world.volunteer, left_at__isnull=True),
        removed_by=world.coordinator,
    )
    response = client_for(world.volunteer).get(reverse("groups:detail", args=[world.group.code]))
    assert reverse("messaging:group_room", args=[world.group.code]) not in response.content.decode()
