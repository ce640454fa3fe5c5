"""The accepted candidate hears of it in real time on their open /ws/notifications/ socket,
through the real ASGI stack (session auth, routing, the channel layer; Redis with REDIS_URL);
being suggested or declined sends them nothing."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from matching import services, suggest
from portal.asgi import application
from tests.matching.test_matching_accept import build_world

pytestmark = pytest.mark.django_db(transaction=True)


async def open_socket(user):
    client = Client()
    await sync_to_async(client.force_login)(user)
    socket = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        ],
    )
    connected, _ = await socket.connect()
    assert connected
    return socket


async def events_until_quiet(socket, timeout=1.0):
    received = []
    while not await socket.receive_nothing(timeout=timeout):
        received.append(await socket.receive_json_from(timeout=2))
    return received


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


async def test_the_accepted_volunteer_is_told_at_once_and_the_declined_one_never(world):
    volunteer = await open_socket(world.candidate)
    social_worker = await open_socket(world.candidate_social_worker)

    found = await sync_to_async(suggest.suggestions_for_group)(world.group)
    assert world.candidate.pk in [s.id for s in found["volunteer"]]
    assert await volunteer.receive_nothing(timeout=0.5)

    await sync_to_async(services.suggestion_decline)(
        actor=world.coordinator,
        group=world.group,
        kind="social_worker",
        candidate_id=world.candidate_social_worker.pk,
        reason="已在另一小组服务同一家庭",
    )
    await sync_to_async(services.suggestion_accept)(
        actor=world.coordinator,
        group=world.group,
        kind="volunteer",
        candidate_id=world.candidate.pk,
    )

    received = await events_until_quiet(volunteer)
    notices = [e for e in received if e["type"] == "notification.new"]
    assert len(notices) == 1
    assert notices[0]["payload"]["kind"] == "match.accepted"
    assert world.group.code in notices[0]["payload"]["title"]
    assert notices[0]["payload"]["url"] == f"/groups/{world.group.code}/"
    assert await social_worker.receive_nothing(timeout=0.5)
    await volunteer.disconnect()
    await social_worker.disconnect()
