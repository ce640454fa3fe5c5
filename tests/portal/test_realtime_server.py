"""Delivery through a real uvicorn and the real Redis channel layer, over real WebSockets."""

import time

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from portal import events
from tests.factories import VolunteerFactory
from tests.servers import asgi_server

# PostgreSQL: the server process must open the test database, and SQLite's lives in the
# memory of this one.
pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def server():
    with asgi_server() as base:
        yield base


def test_a_socket_idle_past_the_redis_read_timeout_stays_open_and_gets_the_event(server):
    alice = VolunteerFactory()
    with connect(
        f"ws://{server}/ws/notifications/",
        additional_headers={"Cookie": session_cookie(alice), "Origin": f"http://{server}"},
    ) as socket:
        # Longer than redis-py's and the layer's 5-second timeouts, with no layer traffic.
        time.sleep(7)
        events.publish([alice], "match.suggested", {"text": "心理咨询技能匹配"})
        event = socket.recv(timeout=5)
    assert '"match.suggested"' in event and "心理咨询技能匹配" in event


def test_an_anonymous_socket_is_closed_with_4403_by_the_real_server(server):
    with (
        connect(
            f"ws://{server}/ws/notifications/", additional_headers={"Origin": f"http://{server}"}
        ) as socket,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4403
