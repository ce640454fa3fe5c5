"""portal.events.publish → channel layer → /ws/notifications/, through the real ASGI stack
(origin check, session auth, routing). With REDIS_URL set this runs on the Redis layer."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from portal import events
from portal.asgi import application
from tests.factories import VolunteerFactory
from tests.sockets import channel_groups

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_groups_left_empty"),
]
IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


class Rollback(Exception):
    pass


async def open_socket(user=None, path="/ws/notifications/"):
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        client = Client()
        await sync_to_async(client.force_login)(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_an_anonymous_socket_is_closed_with_4403():
    socket = await open_socket(None)
    closed = await socket.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


async def test_an_event_reaches_every_socket_of_its_user_only_after_commit():
    alice, bob = await sync_to_async(VolunteerFactory.create_batch)(2)
    alice_phone, alice_laptop, bob_socket = (
        await open_socket(alice),
        await open_socket(alice),
        await open_socket(bob),
    )

    def publish_in_a_transaction():
        with transaction.atomic():
            events.publish(
                [alice], "group.created", {"code": "GD-440106-2026-0017", "text": "矫正小组已建立"}
            )
            # Still inside the transaction: nothing has left yet.
            assert async_to_sync(alice_phone.receive_nothing)(timeout=0.3)

    await sync_to_async(publish_in_a_transaction)()

    for socket in (alice_phone, alice_laptop):
        event = await socket.receive_json_from(timeout=2)
        assert event["type"] == "group.created"
        assert event["payload"] == {"code": "GD-440106-2026-0017", "text": "矫正小组已建立"}
    assert await bob_socket.receive_nothing(timeout=0.3)
    for socket in (alice_phone, alice_laptop, bob_socket):
        await socket.disconnect()


async def test_an_event_published_in_a_rolled_back_transaction_never_arrives():
    alice = await sync_to_async(VolunteerFactory)()
    socket = await open_socket(alice)

    def publish_then_fail():
        with transaction.atomic():
            events.publish([alice.pk], "referral.updated", {"step": "interview"})
            raise Rollback

    with pytest.raises(Rollback):
        await sync_to_async(publish_then_fail)()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_closed_socket_leaves_its_users_group(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER  # the layer whose groups can be read
    alice = await sync_to_async(VolunteerFactory)()
    phone, laptop = await open_socket(alice), await open_socket(alice)
    group, every = events.user_group(alice.pk), events.NOTIFICATION_SOCKETS
    assert set(channel_groups()) == {group, every}
    assert len(channel_groups()[group]) == len(channel_groups()[every]) == 2

    await phone.disconnect()
    assert len(channel_groups()[group]) == len(channel_groups()[every]) == 1
    await laptop.disconnect()
    assert channel_groups() == {}


async def test_an_event_to_many_reaches_only_the_sockets_of_those_it_names_after_commit():
    alice, bob, carol = await sync_to_async(VolunteerFactory.create_batch)(3)
    alice_phone, alice_laptop, bob_socket, carol_socket = [
        await open_socket(user) for user in (alice, alice, bob, carol)
    ]

    def publish_in_a_transaction():
        with transaction.atomic():
            events.publish_to_many([carol, alice.pk], "alert.sent", {"message": "演练：请确认"})
            assert async_to_sync(alice_phone.receive_nothing)(timeout=0.3)

    await sync_to_async(publish_in_a_transaction)()
    for socket in (alice_phone, alice_laptop, carol_socket):
        event = await socket.receive_json_from(timeout=2)
        assert (event["type"], event["payload"]) == ("alert.sent", {"message": "演练：请确认"})
    assert await bob_socket.receive_nothing(timeout=0.3)
    for socket in (alice_phone, alice_laptop, bob_socket, carol_socket):
        await socket.disconnect()


def test_a_payload_that_is_not_json_fails_in_the_caller(db):
    with pytest.raises(TypeError):
        events.publish([1], "bad", {"when": object()})


async def test_bad_frames_are_answered_with_an_error_frame_and_the_socket_stays_open():
    alice = await sync_to_async(VolunteerFactory)()
    socket = await open_socket(alice)
    for frame in ("not json", "[1, 2]", '{"no": "type"}'):
        await socket.send_to(text_data=frame)
        reply = await socket.receive_json_from(timeout=2)
        assert reply["type"] == "error" and reply["code"] == "bad_frame" and reply["message"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=2) == {"type": "pong"}
    await socket.disconnect()


async def test_a_socket_from_a_foreign_origin_is_refused():
    socket = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://evil.example.com")]
    )
    connected, _ = await socket.connect()
    assert not connected
