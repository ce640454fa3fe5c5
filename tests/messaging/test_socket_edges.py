"""Sockets under odd input: a frame that cannot be parsed gets an error frame and the socket
stays; an unknown path or id is closed cleanly with a code; the Origin must be the portal itself
(scheme, host and port); a refusal never closes a socket its user still has a right to, and
never tells an id that exists from one that does not."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from groups import services as group_services
from messaging import services
from portal.asgi import application
from tests import factories
from tests.groups.conftest import group_data
from tests.messaging.conftest import next_frame, open_chat, session_cookie

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_groups_left_empty"),
]
db = sync_to_async
NESTED = "[" * 5_000 + "]" * 5_000  # 10 KB, deeper than Python's recursion limit


async def still_answers(socket):
    await socket.send_json_to({"type": "ping"})
    assert (await next_frame(socket, "pong"))["type"] == "pong"


async def notification_socket(user, origin=b"http://testserver", extra=()):
    cookie = await db(session_cookie)(user)
    headers = [(b"origin", origin), (b"cookie", cookie.encode()), *extra]
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


DEEP_PING = '{"type": "ping", "x": ' + "[" * 900 + "]" * 900 + "}"


@pytest.mark.parametrize("frame", [NESTED, DEEP_PING])
async def test_a_deeply_nested_frame_gets_an_error_and_the_chat_socket_stays(world, frame):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_to(text_data=frame)
    while (answer := await socket.receive_json_from(timeout=3))["type"] not in ("error", "pong"):
        pass  # presence and the like
    assert answer["type"] == "pong" or answer["code"] == "bad_frame"
    await still_answers(socket)
    await socket.disconnect()


async def test_a_deeply_nested_frame_gets_an_error_on_the_notification_socket(world):
    socket = await notification_socket(world.volunteer)
    assert (await socket.connect())[0]
    await socket.send_to(text_data=NESTED)
    error = await socket.receive_json_from(timeout=3)
    assert error["type"] == "error" and error["code"] == "bad_frame"
    await socket.send_to(bytes_data=b"\xff\xfe binary")
    assert (await socket.receive_json_from(timeout=3))["code"] == "bad_frame"
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
    await socket.disconnect()


async def test_an_unknown_socket_path_is_closed_cleanly():
    socket = WebsocketCommunicator(
        application, "/ws/nothing-here/", headers=[(b"origin", b"http://testserver")]
    )
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": 4404}
    await socket.disconnect()


async def test_an_id_beyond_any_column_is_closed_like_any_unknown_conversation(world):
    socket = await open_chat(world.volunteer, str(2**64), expect_hello=False)
    assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://testserver:8443", None),  # another port of an allowed host
        (b"https://testserver", None),  # another scheme
        (b"http://testserver:8443", b"testserver"),
        (b"http://portal.example.cn", b"testserver"),
        (b"null", None),
    ],
)
async def test_a_socket_from_another_origin_is_refused(world, origin, host):
    extra = [(b"host", host)] if host else []
    socket = await notification_socket(world.volunteer, origin=origin, extra=extra)
    connected, _ = await socket.connect()
    assert not connected


async def test_a_socket_from_the_portal_itself_is_let_in(world):
    socket = await notification_socket(
        world.volunteer, origin=b"http://localhost:8000", extra=[(b"host", b"localhost:8000")]
    )
    connected, _ = await socket.connect()
    assert connected
    await socket.disconnect()


async def test_editing_another_conversation_s_message_is_refused_like_a_missing_one(world, regions):
    other_coordinator = await db(factories.coordinator)(regions["440106"])
    other_group = await db(
        lambda: group_services.group_create(data=group_data(regions), created_by=other_coordinator)
    )()
    lead = await db(lambda: factories.vetted(factories.SocialWorkerFactory()))()
    await db(group_services.lead_hand_over)(
        group=other_group, new_lead=lead, handed_over_by=other_coordinator
    )
    room = await db(services.room_ensure)(group=other_group)
    theirs = await db(services.message_send)(conversation_id=room.pk, sender=lead, body="别人的")

    socket = await open_chat(world.volunteer, world.room.pk)
    answers = []
    for message_id in (theirs.pk, 999_999):
        await socket.send_json_to({"type": "message.edit", "id": message_id, "body": "改"})
        error = await next_frame(socket, "error")
        answers.append((error["code"], error["message"]))
        await still_answers(socket)  # not closed: the user is still in their own room
    assert answers[0] == answers[1]
    await socket.send_json_to({"type": "message.delete", "id": theirs.pk})
    assert (await next_frame(socket, "error"))["code"] == answers[0][0]
    await still_answers(socket)
    await socket.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "message.edit", "id": 2**64, "body": "改"},
        {"type": "message.delete", "id": 2**70},
        {"type": "read", "last_id": 2**64},
        {"type": "resume", "last_id": 2**64},
        {"type": "message.send", "body": "回复", "reply_to": 2**64},
    ],
)
async def test_an_id_beyond_any_column_in_a_frame_is_an_error_frame(world, frame):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to(frame)
    assert (await next_frame(socket, "error"))["code"] == "invalid"
    await still_answers(socket)
    await socket.disconnect()
