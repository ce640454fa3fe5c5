"""Run benchmark scenarios on a throwaway database and print server-time figures.

    python -m bench                      every scenario, full scale
    python -m bench groups --scale small one scenario, small data (what tests/test_bench.py runs)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python -m bench

The database is a fresh SQLite file in a temporary directory, or the PostgreSQL database named by
BENCH_DATABASE_URL, dropped and created again first (its name must contain "bench", so a typo
cannot drop a real one). It is thrown away at the end unless --keep is given. The developer's
db.sqlite3, DATABASE_URL and services (Redis, Celery broker, Elasticsearch) are never used:
the bench runs on the embedded parts of portal.settings.test, with DEBUG off.

A figure is the server time of one request measured in-process with Django's test Client
(middleware, view, queries, template; no network): 3 warm-up requests, then N timed ones.
"""

import argparse
import importlib
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SCALES = ("small", "full")
REQUESTS = {"small": 10, "full": 60}
WARMUP = 3
SCENARIO_PACKAGE = "bench.scenarios"


class BenchError(Exception):
    """A benchmark that cannot give a trustworthy figure; the run stops with exit code 1."""


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def scenario_names() -> list[str]:
    """The scenario modules, by file name, without importing them (Django is not set up yet)."""
    from bench import scenarios

    return sorted(
        info.name
        for info in pkgutil.iter_modules(scenarios.__path__)
        if not info.ispkg and not info.name.startswith("_")
    )


def load_scenario(name: str):
    module = importlib.import_module(f"{SCENARIO_PACKAGE}.{name}")
    for attribute in ("NAME", "seed", "run"):
        if not hasattr(module, attribute):
            raise BenchError(f"Scenario module {module.__name__} has no {attribute}.")
    if name != module.NAME:
        raise BenchError(f"Scenario {module.__name__} must have NAME = {name!r}.")
    return module


# ---------------------------------------------------------------------------
# The throwaway database
# ---------------------------------------------------------------------------


class Database:
    """A database created for this run only, and its DATABASE_URL."""

    def __init__(self, bench_url: str | None):
        self.bench_url = bench_url or None
        self.tempdir: str | None = None
        self.url = ""

    @property
    def description(self) -> str:
        if self.bench_url:
            return f"PostgreSQL database {self._pg_name()} (BENCH_DATABASE_URL)"
        return f"SQLite file {self.url.removeprefix('sqlite:///')}"

    def create(self, *, reuse: bool = False) -> str:
        """A new, empty database; with reuse, the PostgreSQL one already there, data and all."""
        if self.bench_url and reuse:
            if not self._pg_exists():
                raise BenchError(f"--reuse: there is no database {self._pg_name()} to reuse")
            self.url = self.bench_url
        elif self.bench_url:
            self._pg_recreate()
            self.url = self.bench_url
        else:
            self.tempdir = tempfile.mkdtemp(prefix="portal-bench-")
            self.url = f"sqlite:///{os.path.join(self.tempdir, 'bench.sqlite3')}"
        return self.url

    def destroy(self) -> None:
        if not self.url:  # never created (e.g. a refused BENCH_DATABASE_URL): nothing to drop
            return
        if self.bench_url:
            self._pg_drop()
        elif self.tempdir:
            shutil.rmtree(self.tempdir, ignore_errors=True)

    # PostgreSQL: drop and create through the `postgres` maintenance database.

    def _pg_name(self) -> str:
        return unquote(urlsplit(self.bench_url).path.lstrip("/"))

    def _pg_maintenance(self):
        import psycopg

        parts = urlsplit(self.bench_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
            raise BenchError(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
        name = self._pg_name()
        if not name or "bench" not in name:
            raise BenchError(
                f"BENCH_DATABASE_URL names the database {name!r}; it is dropped and created "
                "again, so its name must contain 'bench' (e.g. portal_bench)."
            )
        return psycopg.connect(
            host=parts.hostname or None,
            port=parts.port or None,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            dbname="postgres",
            autocommit=True,
        )

    def _pg_exists(self) -> bool:
        with self._pg_maintenance() as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self._pg_name()]
            ).fetchone()
        return found is not None

    def _pg_drop(self, connection=None) -> None:
        from psycopg import sql

        own = connection is None
        connection = connection or self._pg_maintenance()
        try:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self._pg_name())
                )
            )
        finally:
            if own:
                connection.close()

    def _pg_recreate(self) -> None:
        from psycopg import sql

        with self._pg_maintenance() as connection:
            self._pg_drop(connection)
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self._pg_name()))
            )


def configure_environment(database_url: str) -> None:
    """The environment portal.settings.test reads, set before django.setup()."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": database_url,
            # Production-like: DEBUG off (no query log on every request).
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            # Embedded stand-ins (empty, so a .env file cannot fill them in): seeded tasks and
            # events never reach the developer's Redis, broker or search index.
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
            "ELASTICSEARCH_URL": "",
        }
    )


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Measurement:
    scenario: str
    label: str
    size: str
    path: str
    requests: int
    p50_ms: float
    p95_ms: float
    queries: int
    sql_ms: float  # the database's share, from the captured warm-up request
    slowest_sql: list[tuple[float, str]]

    def line(self) -> str:
        return (
            f"{self.scenario:<11}{self.label:<38}{self.size:>16}   "
            f"p50 {self.p50_ms:7.1f} ms  p95 {self.p95_ms:7.1f} ms  "
            f"{self.queries:3d} queries  (sql {self.sql_ms:.1f} ms)"
        )


class Report:
    """What a scenario's run() gets: measure() times a request and prints the figures."""

    def __init__(self, *, scenario: str, size: str, requests: int, show_sql: int, out=None):
        self.scenario = scenario
        self.size = size
        self.requests = requests
        self.show_sql = show_sql
        self.out = out or sys.stdout
        self.measurements: list[Measurement] = []

    def measure(self, label: str, client, path: str, *, size: str | None = None) -> Measurement:
        """Time GET `path` with a logged-in test Client; every response must be 200."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(WARMUP - 1):
            self._check(client.get(path), path)
        # The last warm-up counts the queries and times each one with perf_counter (Django's
        # log rounds to the millisecond); the timed requests run without this bookkeeping.
        durations: list[float] = []
        with (
            CaptureQueriesContext(connection) as captured,
            connection.execute_wrapper(_QueryTimer(durations)),
        ):
            self._check(client.get(path), path)
        # Read now: captured_queries is a view of connection.queries, which each request resets.
        statements = [q["sql"] for q in captured.captured_queries]
        if len(durations) != len(statements):  # never expected; keep the count, drop the times
            durations = [0.0] * len(statements)
        queries = list(zip(durations, statements, strict=True))
        timings = []
        for _ in range(self.requests):
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
            self._check(response, path)
        measurement = Measurement(
            scenario=self.scenario,
            label=label,
            size=size or self.size,
            path=path,
            requests=self.requests,
            p50_ms=percentile(timings, 0.50) * 1000,
            p95_ms=percentile(timings, 0.95) * 1000,
            queries=len(queries),
            sql_ms=sum(ms for ms, _sql in queries),
            slowest_sql=sorted(queries, reverse=True)[: self.show_sql],
        )
        self.measurements.append(measurement)
        print(measurement.line(), file=self.out, flush=True)
        for ms, statement in measurement.slowest_sql:
            print(f"{'':11}{ms:8.2f} ms  {shorten(statement)}", file=self.out, flush=True)
        return measurement

    @staticmethod
    def _check(response, path: str) -> None:
        if response.status_code != 200:
            where = response.get("Location", "")
            raise BenchError(
                f"GET {path} answered {response.status_code}{' -> ' + where if where else ''}; "
                "a benchmark of an error page is worthless."
            )


class _QueryTimer:
    """A database execute wrapper that appends each statement's duration in ms."""

    def __init__(self, durations: list[float]):
        self.durations = durations

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append((time.perf_counter() - start) * 1000)


def shorten(statement: str, limit: int = 400) -> str:
    statement = " ".join(statement.split())
    return statement if len(statement) <= limit else statement[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def machine_facts(database: Database) -> list[str]:
    import django
    from django.db import connection

    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if connection.vendor == "postgresql":
        engine = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        engine = f"{connection.vendor} {sqlite3.sqlite_version}"
    return [
        f"machine   {usable} cores usable ({os.cpu_count()} online){', ' + cpu if cpu else ''}",
        f"software  Python {platform.python_version()}, Django {django.get_version()}, "
        f"{platform.system()} {platform.release()}",
        f"database  {engine}: {database.description}",
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    available = scenario_names()
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Seed a throwaway database and print p50/p95 server time per request.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="scenario",
        help=f"scenarios to run (default: all): {', '.join(available)}",
    )
    parser.add_argument("--scale", choices=SCALES, default="full", help="data size (default full)")
    parser.add_argument(
        "--requests",
        type=int,
        help=f"timed requests per figure (default {REQUESTS['full']} full, "
        f"{REQUESTS['small']} small), after {WARMUP} warm-ups",
    )
    parser.add_argument(
        "--sql",
        type=int,
        default=0,
        metavar="N",
        help="also print the N slowest SQL statements of each measured request",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (and print where)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.scenarios) - set(available))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; have {', '.join(available)}")
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    args.scenarios = list(dict.fromkeys(args.scenarios)) or available
    args.requests = args.requests or REQUESTS[args.scale]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database = Database(os.environ.get("BENCH_DATABASE_URL"))
    try:
        return _run(args, database)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        _close_connections()
        if args.keep and database.url:
            print(f"kept      {database.url}")
        else:
            database.destroy()


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def _run(args: argparse.Namespace, database: Database) -> int:
    configure_environment(database.create())
    # As in pytest's settings: whitenoise warns that collectstatic has not run; it need not.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    out = sys.stdout
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - start
    for fact in machine_facts(database):
        print(fact, file=out)
    print(
        f"timing    {WARMUP} warm-up + {args.requests} timed requests per figure, "
        f"in-process test Client, scale {args.scale}",
        file=out,
    )
    print(f"migrate   {migrated:.1f} s", file=out, flush=True)

    modules = [load_scenario(name) for name in args.scenarios]
    sizes = {}
    for module in modules:
        start = time.perf_counter()
        sizes[module.NAME] = module.seed(args.scale) or ""
        elapsed = time.perf_counter() - start
        print(f"seed      {module.NAME:<11}{sizes[module.NAME]:>16}   {elapsed:.1f} s", file=out)
        out.flush()
    if connection.vendor == "postgresql":
        # A live database has planner statistics (autovacuum); right after a bulk load it may
        # not yet, and the plans, so the figures, would depend on when autovacuum woke up.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"analyze   {time.perf_counter() - start:.1f} s", file=out)
    print(file=out, flush=True)
    for module in modules:
        module.run(
            Report(
                scenario=module.NAME,
                size=sizes[module.NAME],
                requests=args.requests,
                show_sql=args.sql,
                out=out,
            )
        )
    return 0
