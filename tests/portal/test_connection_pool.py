"""PostgreSQL connections are pooled per web process (DATABASE_POOL_SIZE, psycopg's pool):
a request borrows a connection instead of opening one, and no more than the pool's size are
ever open, however many requests arrive at once."""

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from portal.settings.database import database
from tests.factories import VolunteerFactory
from tests.servers import asgi_server, test_database_url

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "portal", "OPTIONS": {}}
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}


def test_a_pool_size_gives_postgresql_a_pool_of_that_size():
    config = database({**POSTGRES, "CONN_MAX_AGE": 60}, pool_size=6)
    assert config["OPTIONS"]["pool"]["max_size"] == 6
    assert config["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


@pytest.mark.parametrize("config,size", [(POSTGRES, 0), (SQLITE, 6)])
def test_no_pool_without_a_size_or_for_sqlite(config, size):
    assert "pool" not in database(config, pool_size=size).get("OPTIONS", {})


def test_postgresql_sessions_run_without_jit_and_keep_options_given_in_the_url():
    assert database(POSTGRES)["OPTIONS"]["options"] == "-c jit=off"
    given = {**POSTGRES, "OPTIONS": {"options": "-c statement_timeout=5000"}}
    assert database(given, pool_size=4)["OPTIONS"]["options"] == (
        "-c jit=off -c statement_timeout=5000"
    )
    assert "options" not in database(SQLITE).get("OPTIONS", {})


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_the_portal_s_postgresql_connection_has_jit_off():
    """A short query whose estimated cost passes jit_above_cost is not compiled (about 60 ms a
    request for the unread badge once a province's memberships are in)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


APP = "pool_test_server"  # the server's connections say so (application_name)


def _server_connections() -> int:
    """Connections the server holds to this test database (not a stray of an earlier test's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [APP],
        )
        return cursor.fetchone()[0]


def _sessions_opened() -> int:
    """How many connections were ever opened to this database (PostgreSQL >= 14 counts them;
    a backend that ended has reported its own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_the_real_server_serves_many_requests_on_a_few_kept_connections():
    pool_size, requests = 3, 40
    client = Client()
    client.force_login(VolunteerFactory(display_name="连接池测试志愿者"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with asgi_server(
        database_url=f"{test_database_url()}?application_name={APP}",
        env={"DATABASE_POOL_SIZE": str(pool_size)},
    ) as base:

        def fetch(_):
            request = urllib.request.Request(f"http://{base}/me/", headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status

        before = _sessions_opened()
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(fetch, range(requests)))
        time.sleep(0.5)  # the last request's connection is handed back (or closed)
        left_open = _server_connections()
    time.sleep(1.5)  # the server's backends have ended and reported their sessions
    opened = _sessions_opened() - before
    assert statuses == [200] * requests
    # Kept for the next request; without the pool each request closes its own (none left).
    assert 1 <= left_open <= pool_size
    # Without the pool every request opens a connection of its own (40 or more). The counter is
    # the database's, so a connection of anything else at that moment would count too.
    assert opened <= 2 * pool_size, opened
