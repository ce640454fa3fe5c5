"""`make bench-http` keeps working: two logged-in pages at small scale for a second, on a bench
database next to the suite's PostgreSQL and on the suite's Redis; one of them (a group's
suggestions) has a server-time budget, printed after the load table.

It checks the harness seeds, logs in, serves and prints the table; it asserts nothing about speed
(the targets of issue 20 live in the benchmark's output, never in a timed unit test).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"\s+\d+(\.\d+)?"


def _bench_database_url() -> str:
    """A database of this run's own on the suite's server; its name contains "bench" (the
    harness drops and creates it again) and the suite's database name, so runs do not meet."""
    db = settings.DATABASES["default"]
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}@{where}/{db['NAME']}_bench_http"


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_the_http_benchmark_prints_a_row_with_ratios_for_a_logged_in_page():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "BENCH_DATABASE_URL": _bench_database_url(),
        "BENCH_REDIS_URL": settings.REDIS_URL,
    }
    try:
        # --keep, then --reuse: the second run measures the same data without seeding again.
        first, second = (_bench(env, flag) for flag in ("--keep", "--reuse"))
    finally:
        _drop(env["BENCH_DATABASE_URL"])
    assert re.search(r"^seed\s+groups\s+2,000 groups\s+\d+\.\d s$", first, re.M), first
    assert re.search(r"^seed\s+reused", second, re.M) and "2,000 groups" not in second, second
    for out in (first, second):
        _assert_table(out)


@pytest.mark.needs_redis
def test_the_worked_out_budget_makes_what_the_server_kept_stale():
    """The bench raises the generation the server reads (the same key, prefix and version as
    Django's cache), so every request of the "worked out" budget runs the engine."""
    from bench.http.main import _raiser
    from matching.caching import GENERATION

    before = GENERATION.value()
    _raiser(settings.REDIS_URL, GENERATION.key)()
    assert GENERATION.value() == before + 1


@pytest.mark.needs_postgres
def test_reuse_refuses_a_database_that_is_not_there():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal_bench_none_such",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.http", "--scale", "small", "--pages", "group", "--reuse"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "there is no database portal_bench_none_such to reuse" in result.stderr


def _bench(env: dict, flag: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.http", "--scale", "small", "--seconds", "1",
         "--connections", "2", "--pages", "group,suggestions", flag],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _drop(url: str) -> None:
    from bench.runner import Database

    for name in (url, url + "_floor"):
        database = Database(name)
        database.url = name
        database.destroy()


def _assert_table(out: str) -> None:
    header = r"^page\s+role\s+req/s\s+p50 ms\s+p99 ms\s+errors\s+\|.*req/s ratio\s+p99 ratio$"
    assert re.search(header, out, re.M), out
    # the page's req/s, p50, p99, errors | the floor's req/s, p99, errors | the two ratios
    row = rf"^group\s+coordinator({NUMBER}){{4}}\s+\|({NUMBER}){{3}}\s+\|\s+\d+\.\d\d\s+\d+\.\d\d$"
    assert re.search(row, out, re.M), out
    budget = rf"^suggestions\s+\d+({NUMBER}){{2}}\s+< 100\s+\d+\s+(met|MISSED)$"
    assert re.search(budget, out, re.M), out
    # ... and again with what the page keeps made stale before each request.
    worked_out = rf"^suggestions \(worked out\)\s+\d+({NUMBER}){{2}}\s+< 100\s+\d+\s+(met|MISSED)$"
    assert re.search(worked_out, out, re.M), out
    assert re.search(r"^peak RSS\s+web \(uvicorn portal\.asgi\)\s+\d+ MB", out, re.M), out


def test_the_portal_under_the_bench_keeps_production_s_connection_pool(tmp_path, monkeypatch):
    """The bench's own process runs on the test settings, which switch the pool off; the portal
    it starts must still run as production does, with psycopg's pool (without it every request
    and chat send opened a PostgreSQL connection, and the figures measured that)."""
    from bench.http import servers

    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")  # what the test settings put in its environment
    env = servers.production_env(
        database_url="postgres://postgres@127.0.0.1:5432/portal_bench_none_such",
        redis_url="", secret_key="bench-" + "k" * 50, static_root=str(tmp_path),
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup();"
         " print(settings.DATABASES['default']['OPTIONS']['pool']['max_size'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 0
