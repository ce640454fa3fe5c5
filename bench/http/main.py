"""`python -m bench.http`: seed, start the portal and the floor, drive both, print the table."""

import argparse
import os
import secrets
import sys
import time
import warnings
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from bench.http import load, pages, report, seed, servers
from bench.runner import BenchError, Database, configure_environment

SCALES = {"small": "small", "province": "full"}  # bench.http's name -> the scenarios' name
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_http"
SERVER_KEY_PREFIX = "portal"  # CACHES["default"]["KEY_PREFIX"] of portal.settings.base
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"  # not 9-12 or 14: CI and the tests use those
DRAIN = 2.0  # seconds between runs, for requests still queued on a server to finish


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="province")
    parser.add_argument("--seconds", type=float, default=10.0, help="per run (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent (default 8)")
    parser.add_argument(
        "--pages", help="comma-separated names (default all): "
        + ", ".join(page.name for page in pages.PAGES),
    )  # fmt: skip
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database a --keep run left, as seeded then (no drop, no seeding; implies "
        "--keep): for measuring one change after another without seeding for half an hour",
    )
    args = parser.parse_args(argv)
    try:
        args.pages = pages.by_name([n for n in (args.pages or "").split(",") if n.strip()])
    except KeyError as error:
        parser.error(f"unknown page(s): {error.args[0]}")
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    if args.reuse and not url.startswith("postgres"):
        parser.error("--reuse needs a PostgreSQL BENCH_DATABASE_URL")
    args.keep = args.keep or args.reuse
    if args.seconds <= 0 or args.connections < 1:
        parser.error("--seconds and --connections must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    database, floor_database = Database(url), Database(_renamed(url, "_floor"))
    return servers.run_and_clean_up(
        "bench.http", (database, floor_database), keep=args.keep, prefix="bench-http-",
        run=lambda running, static_root: _run(args, database, floor_database, running, static_root),
    )  # fmt: skip


def _shared_buffers() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        return cursor.fetchone()[0]


def _renamed(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{unquote(parts.path.lstrip('/'))}{suffix}"))


def _run(args, database, floor_database, running, static_root) -> int:
    out = sys.stdout
    client = load.client_name(args.client)
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS
    _empty_redis(redis_url)
    secret_key = secrets.token_urlsafe(50)
    configure_environment(database.create(reuse=args.reuse))
    os.environ["SECRET_KEY"] = secret_key  # the sessions' auth hashes are keyed by it
    floor_database.create()
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database  {database.description}, floor {floor_database.url.rsplit('/', 1)[-1]}")
    if buffers := _shared_buffers():
        print(f"postgres  shared_buffers {buffers} (the figures depend on it: README)", file=out)
    print(f"migrate   {time.perf_counter() - start:.1f} s", file=out, flush=True)
    if args.reuse:
        seed.check_seeded(pages.scenarios_for(args.pages), SCALES[args.scale])
        print("seed      reused, as a --keep run left it", file=out)
    else:
        seed.seed(pages.scenarios_for(args.pages), SCALES[args.scale], out)
    roles = {page.role for page in args.pages}
    people = seed.users(roles)
    cookies = {role: seed.cookie_for(user) for role, user in people.items()}
    facts = seed.facts([page.path for page in args.pages], people)

    env = servers.production_env(
        database_url=database.url, redis_url=redis_url, secret_key=secret_key,
        static_root=static_root,
    )  # fmt: skip
    servers.collectstatic(env)
    portal = servers.Server("portal.asgi:application", cwd=servers.ROOT, env=env, probe="/healthz")
    running.append(portal)
    portal.start()
    fenv = servers.floor_env(database_url=floor_database.url, redis_url=redis_url)
    floor_cookie = servers.floor_cookie(fenv)
    floor = servers.Server("floor_asgi:application", cwd=servers.FLOOR, env=fenv, probe="/user")
    running.append(floor)
    floor.start()

    floor_url = floor.base + "/rows"
    _check(floor_url, floor_cookie, "floor /rows")
    targets = [(page, _target(portal.base, page, facts, cookies[page.role])) for page in args.pages]
    minutes = len(targets) * 2 * (args.seconds + DRAIN) / 60
    print(
        f"load      {client}, {args.connections} connections, {args.seconds:g} s per run, "
        f"floor then page for each of {len(targets)} pages (about {minutes:.0f} min)",
        file=out,
    )
    for page, url in targets:
        print(f"page      {page.name:<22}{page.role:<14}{url[len(portal.base) :]}", file=out)
    print(file=out)
    print(report.HEADER, file=out, flush=True)
    for page, url in targets:
        floor_result = _drive(client, floor_url, floor_cookie, args)
        page_result = _drive(client, url, cookies[page.role], args)
        print(report.row(page.name, page.role, page_result, floor_result), file=out, flush=True)
    budgeted = [(page, url) for page, url in targets if page.name in pages.BUDGETS]
    if budgeted:
        print(f"\n{report.BUDGET_HEADER}", file=out, flush=True)
    for page, url in budgeted:
        # Each request's own time, by the Python client whatever the load's client: wrk
        # corrects its figures for coordinated omission, adding, for every answer slower than
        # the mean interval, samples of requests it would have sent meanwhile. Right for a
        # load's tail; for one connection's server time it turns a single cold answer (a cached
        # search recomputed, about 0.6-1 s) into a p95 of 600 ms when the real p95 is 36 ms.
        result = load.run("python", url, cookies[page.role], seconds=args.seconds, connections=1)
        time.sleep(DRAIN)
        print(report.budget_row(page.name, result, pages.BUDGETS[page.name]), file=out, flush=True)
        if page.name in pages.WORKED_OUT:
            raise_it = _raiser(redis_url, pages.WORKED_OUT[page.name])
            result = load.run(
                "python", url, cookies[page.role], seconds=args.seconds, connections=1,
                before=raise_it,
            )  # fmt: skip
            time.sleep(DRAIN)
            name = f"{page.name} (worked out)"
            print(report.budget_row(name, result, pages.BUDGETS[page.name]), file=out, flush=True)
    print(file=out)
    print(report.memory("web (uvicorn portal.asgi)", portal.peak_rss_mb(), target=True), file=out)
    print(report.memory("floor (uvicorn floor_asgi)", floor.peak_rss_mb()), file=out, flush=True)
    return 0


def _drive(client, url, cookie, args) -> load.Result:
    result = load.run(client, url, cookie, seconds=args.seconds, connections=args.connections)
    time.sleep(DRAIN)
    return result


def _raiser(url: str, key: str):
    """Raise the server's cache generation `key` (django-redis keeps it under the settings'
    KEY_PREFIX and version 1 as a plain integer): whatever was kept under it is stale."""
    import redis

    connection = redis.Redis.from_url(url, socket_connect_timeout=3)
    return lambda: connection.incr(f"{SERVER_KEY_PREFIX}:1:{key}")


def _empty_redis(url: str) -> None:
    """The bench's Redis database is emptied first: no cached page of an earlier run."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()
    except redis.RedisError as error:
        raise BenchError(f"Redis {url} (BENCH_REDIS_URL): {error}") from error


def _check(url: str, cookie: str, what: str) -> None:
    """Two warm-up requests; both must answer 200 (a benchmark of an error page is worthless)."""
    for _ in range(2):
        status, _body = servers.get(url, cookie)
        if status != 200:
            raise BenchError(f"{what}: GET {url} answered {status}")


def _target(base: str, page: pages.Page, facts: dict, cookie: str) -> str:
    path = page.path.format(**facts)
    query = dict(page.query)
    if query.get("page") == pages.DEEP:
        query["page"] = _deepest(base + path, query, cookie)
    url = base + path + (f"?{urlencode(query)}" if query else "")
    _check(url, cookie, f"{page.name} ({page.role})")
    return url


def _deepest(url: str, query: dict, cookie: str) -> int:
    """Page 50, or the last page that answers 200 when the list has fewer."""

    def answers(number: int) -> bool:
        status, _body = servers.get(f"{url}?{urlencode({**query, 'page': number})}", cookie)
        return status == 200

    if answers(pages.DEEP_PAGE):
        return pages.DEEP_PAGE
    low, high = 1, pages.DEEP_PAGE - 1  # page 1 always answers; find the last that does
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if answers(middle) else (low, middle - 1)
    return low
