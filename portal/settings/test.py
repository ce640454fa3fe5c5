"""Test settings: the embedded defaults of base.py, plus what tests need to be fast and exact.

DATABASE_URL and REDIS_URL are honoured, so the same suite runs on PostgreSQL and Redis (CI).
"""

import os
from urllib.parse import urlsplit, urlunsplit

# Tests run with DEBUG off, like production, so they need the production variables.
os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# No connection pool in tests, unless a test starts a server with one (tests/portal/
# test_connection_pool.py): pytest-django swaps databases under the connections, and a pool made
# for one would lend connections to the other.
os.environ.setdefault("DATABASE_POOL_SIZE", "0")
# Text messages land in portal.sms.outbox (tests/conftest.py empties it for each test), whatever
# the shell says; a Celery worker a test starts may be given a provider of the test's own.
os.environ["SMS_URL"] = os.environ.get("TEST_SMS_URL", "locmem://")


def _redis_of_this_worker() -> None:
    """Under pytest-xdist each worker gets a Redis database of its own (REDIS_URL's number plus
    the worker's), as pytest-django gives each its own test database: two workers' tests both
    have a group 1, and their channel-layer groups, cache keys and queues must not meet. Done
    once, in the environment, so servers and Celery workers a test starts inherit the result."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url) or os.environ.get("TEST_REDIS_WORKER") == worker:
        return
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker[2:])
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{number}"))
    os.environ["TEST_REDIS_WORKER"] = worker


_redis_of_this_worker()

from portal.settings.base import *  # noqa: E402

# Fast hashing: a real hasher makes every login in a test cost 0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Each test counts the figures it made: none kept from an earlier test (tests/portal/
# test_home_cache.py turns the cache on to test it).
HOME_CACHE_SECONDS = 0
