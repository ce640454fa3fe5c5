"""Where a page's time goes, on the database a `make bench-http --keep` run left:

    python -m bench.http.profile suggestions group-list --repeat 20 --top 25

For each page (names as in bench.http.pages): the mean server time in-process (Django's test
Client, production settings on the bench database and Redis), the queries of one request and
their time, and the functions that took the most time (cProfile, cumulative) over the repeats.
The portal under load is what `make bench-http` measures; this says why a page is slow.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from bench.http.main import DEFAULT_DATABASE, DEFAULT_REDIS

STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.http.profile", description=__doc__)
    parser.add_argument("pages", nargs="+", help="page names of bench.http.pages")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests (default 10)")
    parser.add_argument("--top", type=int, default=20, help="functions shown (default 20)")
    parser.add_argument("--sql", action="store_true", help="print every query of one request")
    parser.add_argument(
        "--sort", choices=("cumulative", "tottime"), default="cumulative",
        help="order of the functions: time under them (default) or in them alone",
    )  # fmt: skip
    parser.add_argument(
        "--worked-out", action="store_true",
        help="pages that keep what they work out (bench.http.pages.WORKED_OUT): make it stale "
        "before each request, so the profile is of the work, not of the cache",
    )  # fmt: skip
    return parser.parse_args(argv)


def _setup() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-profile-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE,
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS,
            "EMAIL_URL": "dummymail://",
            "CELERY_BROKER_URL": "",
            "ELASTICSEARCH_URL": "",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_POOL_SIZE": "0",
        }
    )
    import django

    django.setup()


class _Recorder:
    """Each query's time and SQL (an execute wrapper: the request closes its connection, which
    would reset a debug cursor's log)."""

    def __init__(self, into: list):
        self.into = into

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shown = sql % tuple(params) if params and not many else sql
            self.into.append((time.perf_counter() - start, shown))


def _staler(name):
    """A function making what the page `name` keeps stale (its generation raised), or doing
    nothing for a page that keeps nothing (or when `name` is None)."""
    from django.core.cache import cache

    from bench.http import pages

    key = pages.WORKED_OUT.get(name)
    if key is None:
        return lambda: None

    def stale():
        try:
            cache.incr(key)
        except ValueError:  # not there yet
            cache.set(key, int(time.time() * 1000), timeout=None)

    return stale


def main(argv=None) -> int:
    args = parse_args(argv)
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from bench.http import pages, seed

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC}}
    override_settings(STORAGES=storages).enable()  # no collected manifest here
    chosen = pages.by_name(args.pages)
    people = seed.users({page.role for page in chosen})
    facts = seed.facts([page.path for page in chosen], people)
    for page in chosen:
        client = Client(headers={"X-Forwarded-Proto": "https"})
        if people[page.role] is not None:
            client.force_login(people[page.role])
        path = page.path.format(**facts)
        query = dict(page.query)
        if query.get("page") == pages.DEEP:
            query["page"] = pages.DEEP_PAGE
        stale = _staler(page.name if args.worked_out else None)
        for _ in range(2):  # warm caches, as a server that has run a while has them
            response = client.get(path, query)
        if response.status_code != 200:
            print(f"{page.name}: GET {path} {query} answered {response.status_code}")
            continue
        queries = []
        stale()
        with connection.execute_wrapper(_Recorder(queries)):
            client.get(path, query)
        sql = sum(seconds for seconds, _sql in queries)
        times = []
        for _ in range(args.repeat):
            stale()
            start = time.perf_counter()
            client.get(path, query)
            times.append(time.perf_counter() - start)
        mean, worst = statistics.mean(times), max(times)
        profiler = cProfile.Profile()  # apart from the timing: profiling slows Python down
        profiler.enable()
        for _ in range(args.repeat):
            profiler.disable()
            stale()
            profiler.enable()
            client.get(path, query)
        profiler.disable()
        print(
            f"\n== {page.name} ({page.role}) {path} {query}: mean {mean * 1000:.1f} ms, slowest "
            f"{worst * 1000:.1f} ms of {args.repeat}; "
            f"{len(queries)} queries taking {sql * 1000:.1f} ms"
        )
        if args.sql:  # parameters filled in for reading, not quoted: not runnable as printed
            for seconds, text in queries:
                print(f"  {seconds * 1000:7.1f} ms  {text[:300]}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
