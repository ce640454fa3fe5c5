"""PostgreSQL restarts (a cluster of the test's own, crashed with pg_ctl -m immediate) under a
real uvicorn that keeps running: a request in flight fails cleanly with an error page, not a
hang; the next request succeeds without restarting the web process; a message refused during
the outage and sent again afterwards is stored once."""

import subprocess
import threading
import time

import psycopg
import pytest

from tests.faults.clients import WebClient
from tests.messaging.conftest import build_world
from tests.servers import AsgiServer, postgres_server, test_database_url

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def copy_database(source_url: str, target_url: str) -> None:
    """The test database, rows and all, into the cluster of the test's own."""
    dump = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--dbname", source_url],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", target_url],
        input=dump.stdout, capture_output=True, check=True, timeout=300,
    )  # fmt: skip


def test_a_web_process_outlives_a_postgres_restart(world):
    room = world.room.pk
    send_url = f"/messages/c/{room}/send/"
    with postgres_server() as pg:
        url = pg.create_database("portal")
        # No REDIS_URL: only the database is under test here.
        server = AsgiServer(env={"DATABASE_URL": url, "REDIS_URL": ""})
        web = WebClient(server.base, world.volunteer)  # its session row is copied below
        copy_database(test_database_url(), url)
        server.start()
        try:
            assert web.get(f"/messages/c/{room}/").status == 200
            before = web.post(send_url, {"body": "重启前", "client_id": "b"}, json_reply=True)
            assert before.status == 200, before.body[:300]

            # A send in flight: the conversation row is locked by another session, so the
            # request waits inside its transaction when the database goes down.
            blocker = psycopg.connect(url, autocommit=False)
            blocker.execute("LOCK TABLE messaging_conversation IN ACCESS EXCLUSIVE MODE")
            answers = []
            in_flight = threading.Thread(
                target=lambda: answers.append(
                    web.post(send_url, {"body": "宕机时在途", "client_id": "in-flight"},
                             json_reply=True)
                )
            )  # fmt: skip
            in_flight.start()
            time.sleep(2)
            assert not answers, "the send should be waiting for the lock"

            crashed_at = time.monotonic()
            pg.stop("immediate")
            in_flight.join(timeout=30)
            assert answers, "the request in flight hung"
            (answer,) = answers
            assert answer.status == 500, answer.body[:300]
            assert time.monotonic() - crashed_at < 15
            blocker.close()

            # While it is down: error pages and /readyz, quickly.
            down = web.get(f"/messages/c/{room}/")
            assert down.status == 500 and down.seconds < 15
            assert web.get("/readyz").status == 503

            pg.start()
            # The next request succeeds: no restart of the web process.
            page = web.get(f"/messages/c/{room}/")
            assert page.status == 200, "".join(server.log[-30:])
            assert web.get("/readyz").json()["checks"]["database"] == "ok"
            # The browser's outbox sends the refused message again: stored once.
            for _ in range(2):
                sent = web.post(send_url, {"body": "宕机时在途", "client_id": "in-flight"},
                                json_reply=True)  # fmt: skip
                assert sent.status == 200, sent.body[:300]
            rows = pg.psql(
                "SELECT body FROM messaging_message ORDER BY id", database="portal"
            ).split()
            assert rows == ["重启前", "宕机时在途"]
        finally:
            server.stop()
