"""Redis goes away (a Redis of the test's own, stopped mid-test) under a real uvicorn on the
test's PostgreSQL: pages keep working (the cache misses), a chat message sent over HTTP is
stored and acknowledged, /readyz says Redis is down; when Redis returns, sockets connect again
and a client that resumes from the last id it saw misses nothing."""

from contextlib import contextmanager

import pytest
from websockets.exceptions import ConnectionClosed

from messaging.models import Message
from tests.faults.clients import WebClient, arrival, chat, eventually, resume, send
from tests.messaging.conftest import build_world
from tests.servers import AsgiServer, redis_server, test_database_url

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(regions, reference_data, home_page):
    return build_world(regions)


@contextmanager
def uvicorn(redis_url):
    server = AsgiServer(env={"DATABASE_URL": test_database_url(), "REDIS_URL": redis_url})
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_while_redis_is_away_pages_work_and_messages_are_stored_then_caught_up(world):
    room = world.room.pk
    with redis_server() as redis, uvicorn(redis.url()) as web_process:
        server = web_process.base
        web = WebClient(server, world.volunteer)
        send_url = f"/messages/c/{room}/send/"
        assert web.get("/readyz").json()["checks"]["redis"] == "ok"
        with chat(server, world.lead, room) as receiver, chat(server, world.volunteer, room) as me:
            seen = send(me, "Redis 停之前的消息")["id"]
            arrival(receiver, seen)

            redis.stop(kill=True)

            # Pages: the cache misses, nothing fails.
            for path in ("/", "/me/", f"/messages/c/{room}/", "/messages/"):
                page = web.get(path)
                assert page.status == 200, (path, "".join(web_process.log[-40:]))
            ready = web.get("/readyz")
            assert ready.status == 503
            assert ready.json()["checks"]["redis"].startswith("error")
            assert ready.json()["checks"]["database"] == "ok"

            # A message sent over HTTP is stored and acknowledged, once even if sent twice.
            data = {"body": "Redis 停了，消息照样保存", "client_id": "sent-while-away"}
            ack = web.post(send_url, data, json_reply=True)
            assert ack.status == 200, ack.body[:500]
            again = web.post(send_url, data, json_reply=True)
            assert again.json()["id"] == ack.json()["id"]
            away_id = ack.json()["id"]
            assert Message.objects.get(pk=away_id).body == "Redis 停了，消息照样保存"

            # The open sockets lost their channel layer: the server closes them (the browser
            # then reconnects with back-off) rather than leave them deaf.
            for socket in (receiver, me):
                with pytest.raises((ConnectionClosed, TimeoutError)):
                    while True:
                        socket.recv(timeout=15)

        redis.start()
        eventually(lambda: web.get("/readyz").status == 200)

        # A browser reconnecting: the socket opens once Redis answers, resume brings what it
        # missed, live delivery carries on.
        with chat(server, world.lead, room) as receiver, chat(server, world.volunteer, room) as me:
            assert [m["id"] for m in resume(receiver, seen)] == [away_id]
            live = send(me, "Redis 回来了")["id"]
            assert arrival(receiver, live)["message"]["body"] == "Redis 回来了"
    assert Message.objects.count() == 3


def test_a_socket_open_across_a_quick_redis_restart_closes_rather_than_goes_deaf(world):
    """The restarted Redis knows none of the sockets' groups: a socket that stayed open would
    hear nothing more. It must close, so its browser reconnects and resumes."""
    room = world.room.pk
    with redis_server() as redis, uvicorn(redis.url()) as web_process:
        web = WebClient(web_process.base, world.volunteer)
        with chat(web_process.base, world.lead, room) as receiver:
            redis.stop(kill=True)
            redis.start()  # as fast as a restart goes
            eventually(lambda: web.get("/readyz").status == 200)
            sent = web.post(f"/messages/c/{room}/send/", {"body": "重启之后"}, json_reply=True)
            try:
                heard = arrival(receiver, sent.json()["id"], timeout=15)
            except ConnectionClosed:
                heard = None  # closed: the browser reconnects and resumes
            assert heard is None or heard["message"]["body"] == "重启之后"
