"""Delivery in the production topology: two uvicorn processes sharing the Redis channel layer
and the PostgreSQL test database, real WebSocket clients. A sender on one process, a receiver
on the other; a receiver whose process dies resumes on a new one and misses nothing."""

import json
import time
from contextlib import ExitStack, contextmanager

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from groups import services as group_services
from groups.models import Membership
from messaging import ratelimit
from messaging.models import Message
from tests.messaging.conftest import build_world, session_cookie
from tests.servers import asgi_server

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


@contextmanager
def chat(server, user, conversation_id):
    with connect(
        f"ws://{server}/ws/chat/{conversation_id}/",
        additional_headers={"Cookie": session_cookie(user), "Origin": f"http://{server}"},
        max_size=2**20 * 2,
    ) as socket:
        hello = json.loads(socket.recv(timeout=10))
        assert hello["type"] == "hello", hello
        yield socket


def arrival(socket, message_id, timeout=10):
    """The message.new frame of one message id (a socket also gets its own messages)."""
    while True:
        frame = frame_of(socket, "message.new", timeout=timeout)
        if frame["message"]["id"] == message_id:
            return frame


def frame_of(socket, *types, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame["type"] in types:
            return frame


def send(socket, body):
    socket.send(json.dumps({"type": "message.send", "body": body}, ensure_ascii=False))
    return frame_of(socket, "message.ack", "error")


def test_a_message_sent_through_one_process_reaches_a_receiver_on_the_other(world):
    with (
        asgi_server() as first,
        asgi_server() as second,
        chat(first, world.volunteer, world.room.pk) as sender,
        chat(second, world.lead, world.room.pk) as receiver,
    ):
        ack = send(sender, "两个进程之间的消息：明天九点报到")
        assert ack["type"] == "message.ack"
        frame = arrival(receiver, ack["id"])
        assert frame["message"]["body"] == "两个进程之间的消息：明天九点报到"
        assert frame["message"]["sender"]["name"] == "王小红"
        # And back the other way.
        reply = send(receiver, "收到")
        assert reply["id"] > ack["id"]
        assert arrival(sender, reply["id"])["message"]["body"] == "收到"


def test_a_receiver_whose_process_dies_resumes_elsewhere_and_misses_nothing(world):
    with asgi_server() as first, chat(first, world.volunteer, world.room.pk) as sender:
        with ExitStack() as sockets:
            with asgi_server() as doomed:
                receiver = sockets.enter_context(chat(doomed, world.lead, world.room.pk))
                seen = send(sender, "第一条")["id"]
                arrival(receiver, seen)
            # The receiver's process is gone, with the socket still open on this side.
            with pytest.raises(ConnectionClosed):
                while True:
                    receiver.recv(timeout=10)
        sent = [send(sender, f"离线期间的第{n}条")["id"] for n in range(1, 6)]
        with asgi_server() as second, chat(second, world.lead, world.room.pk) as receiver:
            receiver.send(json.dumps({"type": "resume", "last_id": seen}))
            history = frame_of(receiver, "history")
            assert [m["id"] for m in history["messages"]] == sent
            assert frame_of(receiver, "resume.done")["last_id"] == sent[-1]
            # Live delivery carries on after the resume.
            live = send(sender, "恢复之后")["id"]
            arrival(receiver, live)
    assert Message.objects.count() == 7


def test_bad_input_leaves_the_real_server_working(world):
    with asgi_server() as server, chat(server, world.volunteer, world.room.pk) as socket:
        for frame in (
            "不是JSON",
            '{"type": "nope"}',
            json.dumps({"type": "message.send", "body": "长" * 400_000}),
        ):
            socket.send(frame)
            assert frame_of(socket, "error")["code"] in {"bad_frame", "unknown_type", "too_large"}
        socket.send(b"\x00binary")
        assert frame_of(socket, "error")["code"] == "bad_frame"
        assert send(socket, "<b>仍然可以发送</b>")["type"] == "message.ack"
        # A flood: the limit (counted in Redis, shared by every process) answers with errors.
        replies = [send(socket, f"刷屏{n}") for n in range(ratelimit.SEND_LIMIT + 5)]
        assert "rate_limited" in {r.get("code") for r in replies}
        socket.send(json.dumps({"type": "ping"}))
        assert frame_of(socket, "pong")["type"] == "pong"
    bodies = list(Message.objects.order_by("id").values_list("body", flat=True))
    assert bodies[0] == "<b>仍然可以发送</b>" and len(bodies) <= ratelimit.SEND_LIMIT


def test_a_removed_member_is_disconnected_by_the_real_server(world):
    with asgi_server() as server, chat(server, world.volunteer, world.room.pk) as socket:
        membership = Membership.objects.get(group=world.group, user=world.volunteer, left_at=None)
        group_services.member_remove(membership=membership, removed_by=world.coordinator)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=10)
        assert closed.value.rcvd.code == 4403
