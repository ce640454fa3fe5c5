"""Revocation reaches open sockets at once: a suspended volunteer's chat and notification sockets
close with 4403; a withdrawn juvenile clearance closes the chat of the juvenile group only.
Through the real ASGI stack with WebsocketCommunicator, and over a real uvicorn with Redis
(within a second of the suspension's commit)."""

import json
import time

import pytest
from asgiref.sync import sync_to_async
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from groups import services as group_services
from messaging import services as messaging_services
from tests.messaging.conftest import build_world, next_frame, open_chat, session_cookie
from tests.portal.test_staff_sockets import open_socket
from tests.servers import asgi_server
from volunteers import services as volunteer_services
from volunteers.models import VolunteerProfile
from volunteers.services.clearance import profile_clear_for_juveniles

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def suspend(world):
    volunteer_services.profile_decide(
        profile=VolunteerProfile.objects.get(user=world.volunteer),
        decision="suspend",
        reason="多次爽约",
        decided_by=world.coordinator,
    )


async def closed_code(socket) -> int:
    """The close code the socket receives next, skipping the frames before it."""
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_suspension_closes_the_volunteers_chat_and_notification_sockets(world):
    chat = await open_chat(world.volunteer, world.room.pk)
    notifications = await open_socket(world.volunteer)
    lead = await open_chat(world.lead, world.room.pk)
    await db(suspend)(world)
    assert await closed_code(chat) == 4403
    assert await closed_code(notifications) == 4403
    # The lead's chat stays open.
    await lead.send_json_to({"type": "ping"})
    assert (await next_frame(lead, "pong"))["type"] == "pong"
    for socket in (chat, notifications, lead):
        await socket.disconnect()


def juvenile_room(world, regions):
    from tests.groups.conftest import group_data

    group = group_services.group_create(
        data=group_data(regions, is_juvenile=True), created_by=world.coordinator
    )
    VolunteerProfile.objects.filter(user=world.volunteer).update(cleared_for_juveniles=True)
    group_services.member_add(
        group=group, user=world.volunteer, role="volunteer", added_by=world.coordinator
    )
    return messaging_services.room_ensure(group=group)


async def test_a_withdrawn_clearance_closes_the_juvenile_groups_chat_only(world, regions):
    room = await db(juvenile_room)(world, regions)
    juvenile = await open_chat(world.volunteer, room.pk)
    ordinary = await open_chat(world.volunteer, world.room.pk)
    profile = await db(VolunteerProfile.objects.get)(user=world.volunteer)
    await db(profile_clear_for_juveniles)(profile=profile, cleared=False, by=world.coordinator)
    error = await next_frame(juvenile, "error")
    assert error["message"] == "您已不在这个会话中。"
    assert await closed_code(juvenile) == 4403
    await ordinary.send_json_to({"type": "ping"})
    assert (await next_frame(ordinary, "pong"))["type"] == "pong"
    for socket in (juvenile, ordinary):
        await socket.disconnect()


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
def test_suspension_closes_live_sockets_on_a_real_server_within_a_second(world):
    headers = {"Cookie": session_cookie(world.volunteer)}
    with asgi_server() as server:
        headers["Origin"] = f"http://{server}"
        with (
            connect(f"ws://{server}/ws/chat/{world.room.pk}/", additional_headers=headers) as chat,
            connect(f"ws://{server}/ws/notifications/", additional_headers=headers) as alerts,
        ):
            assert json.loads(chat.recv(timeout=10))["type"] == "hello"
            time.sleep(0.5)  # both sockets have joined their channel-layer groups
            suspend(world)  # committed when it returns (a transactional test)
            committed = time.monotonic()
            for socket in (chat, alerts):
                with pytest.raises(ConnectionClosed) as closed:
                    while True:
                        socket.recv(timeout=max(0.01, committed + 1 - time.monotonic()))
                assert closed.value.rcvd.code == 4403
            assert time.monotonic() - committed < 1
