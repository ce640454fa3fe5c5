"""The embedded SQLite file takes concurrent writers: each transaction reads then writes (what a
Wagtail moderation submit does), and none of them fails with "database is locked"."""

import threading
import time

import environ
import pytest
from django.db import connections, transaction

from portal.settings.database import database

WRITERS, ROUNDS = 6, 15


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A second database alias on a file (":memory:" has no concurrent writers), configured like
    the embedded default; removed again afterwards."""
    alias = "concurrent_writers"
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    config = database(environ.Env.db_url_config(url))
    connections.settings[alias] = connections.configure_settings({"default": config})["default"]
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, seen INTEGER)")
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_concurrent_read_then_write_transactions_all_succeed(sqlite_file, django_db_blocker):
    errors = []
    start = threading.Barrier(WRITERS)

    def writer():
        with django_db_blocker.unblock():
            try:
                start.wait()
                for _ in range(ROUNDS):
                    atomic = transaction.atomic(using=sqlite_file)
                    with atomic, connections[sqlite_file].cursor() as cursor:
                        cursor.execute("SELECT COUNT(*) FROM visit")
                        seen = cursor.fetchone()[0]
                        time.sleep(0.002)  # others read meanwhile
                        cursor.execute("INSERT INTO visit (seen) VALUES (%s)", [seen])
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                connections[sqlite_file].close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM visit")
        assert cursor.fetchone() == (WRITERS * ROUNDS, WRITERS * ROUNDS)  # each saw the others


def test_the_file_is_in_wal_mode(sqlite_file):
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
