"""`make bench-chat`: the chat send path against the stored floor, in the same run.

A 20-member group room on two portal processes (uvicorn portal.asgi, production settings, a
PostgreSQL database of the bench's own, the Redis channel layer), and the floor's stored
consumer (bench/floor, /ws/stored/<room>/: one INSERT in its own transaction, then the same
group_send) on two processes of its own, with 20 sockets as well. Members take turns sending one
message at a steady rate (10 msg/s by default); a round trip is the time from a send to its
arrival at each of the 20 sockets. Floor and portal runs alternate (floor, portal, floor, ...)
so both see the same machine; the figures are over every (message, socket) arrival of all the
rounds. For the portal it also counts messages stored and arrivals lost (nothing may be).
Then (--phases) it times the portal's send path phase by phase against the floor's store, in
a process of the web processes' environment (bench.chat_phases): where the difference goes.

    python -m bench.chat                          3 rounds of 200 messages each, 10 msg/s
    python -m bench.chat --rounds 1 --count 100   a quick run

BENCH_CHAT_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench_chat) names
the portal's database, dropped and created again (its name must contain "bench"); the floor's
is the same name with "_floor". BENCH_CHAT_REDIS_URL (default redis://127.0.0.1:6379/7) is
never flushed: the portal's keys carry its prefix, the floor's channel layer another, and the
rate limit is lifted for the run (one member sends every two seconds at 10 msg/s, but a round
sends a lot). Both servers use psycopg's connection pool (the portal's production setting; the
floor's FLOOR_DB_POOL), so neither pays for a new PostgreSQL connection per message;
--floor-no-pool measures the floor as the reference tools run it by default.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

from bench import chat_phases
from bench.runner import BenchError, Database, configure_environment, percentile

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_chat"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
SETTLE = 1.0  # seconds after connecting, for presence frames to settle
TAIL = 3.0  # seconds after the last send for late arrivals
TARGET_P50, TARGET_P99 = 1.25, 1.5  # issue 20: the portal's figure over the floor's


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.chat", description=__doc__)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second (10)")
    parser.add_argument("--count", type=int, default=200, help="messages per round (200)")
    parser.add_argument("--warm", type=int, default=20, help="untimed messages first (20)")
    parser.add_argument("--rounds", type=int, default=3, help="floor/portal pairs (3)")
    parser.add_argument("--floor-no-pool", action="store_true", help="the floor without a pool")
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--phases", type=int, default=300,
        help="then time this many sends phase by phase, in process (bench.chat_phases; 0: no)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.count < 1 or args.rounds < 1 or args.phases < 0:
        parser.error("--rate, --count and --rounds must be positive, --phases not negative")
    return args


# ---------------------------------------------------------------------------
# One round: 20 sockets, one message at a time
# ---------------------------------------------------------------------------


def _frame(kind: str, token: str) -> str:
    if kind == "portal":
        return json.dumps({"type": "message.send", "body": token, "client_id": token})
    return json.dumps({"type": "message", "body": token})


def _token(kind: str, data: dict) -> str | None:
    if kind == "portal":
        if data.get("type") == "message.new":
            return data["message"]["body"]
        return None
    return data.get("body")


async def one_round(kind: str, urls: list[tuple[str, dict]], *, rate, count, warm) -> dict:
    """Round trips of `count` messages (after `warm` untimed ones) over the given sockets."""
    from websockets.asyncio.client import connect

    sent: dict[str, float] = {}
    arrivals: dict[str, list[float]] = {}
    errors: list[str] = []
    sockets = []
    for url, headers in urls:
        ws = await connect(url, additional_headers=headers, max_size=2**22)
        if kind == "portal":
            hello = json.loads(await ws.recv())
            if hello["type"] != "hello":
                raise BenchError(f"chat socket refused: {hello}")
        sockets.append(ws)

    async def reader(ws):
        try:
            async for raw in ws:
                now = time.perf_counter()
                data = json.loads(raw)
                if data.get("type") == "error":
                    errors.append(data.get("code", "?"))
                token = _token(kind, data)
                if token in sent:
                    arrivals.setdefault(token, []).append((now - sent[token]) * 1000)
        except Exception:  # noqa: BLE001, S110 - the socket closes at the end of the round
            pass

    readers = [asyncio.create_task(reader(ws)) for ws in sockets]
    await asyncio.sleep(SETTLE)
    interval, start, tokens = 1.0 / rate, time.perf_counter(), []
    for i in range(warm + count):
        delay = start + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        token = f"bench-chat-{uuid.uuid4().hex[:16]}"
        sent[token] = time.perf_counter()
        await sockets[i % len(sockets)].send(_frame(kind, token))
        if i >= warm:
            tokens.append(token)
    await asyncio.sleep(TAIL)
    for ws in sockets:
        await ws.close()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    return {
        "tokens": tokens,
        "latencies": [x for t in tokens for x in arrivals.get(t, [])],
        "expected": len(tokens) * len(sockets),
        "errors": errors,
    }


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_CHAT_DATABASE_URL") or DEFAULT_DATABASE
    if not url.startswith("postgres"):
        print("bench.chat: BENCH_CHAT_DATABASE_URL must be PostgreSQL", file=sys.stderr)
        return 1
    database, floor_database = Database(url), Database(url + "_floor")
    from bench.http import servers

    return servers.run_and_clean_up(
        "bench.chat", (database, floor_database), keep=args.keep, prefix="bench-chat-",
        run=lambda running, workdir: _run(args, database, floor_database, running, workdir),
    )  # fmt: skip


def _run(args, database, floor_database, running, workdir) -> int:
    from bench.http import seed, servers

    redis_url = os.environ.get("BENCH_CHAT_REDIS_URL") or DEFAULT_REDIS
    secret_key = secrets.token_urlsafe(50)
    configure_environment(database.create())
    os.environ["SECRET_KEY"] = secret_key  # the sessions' auth hashes are keyed by it
    floor_database.create()
    import django

    django.setup()
    from django.core.management import call_command

    from bench.scenarios import messaging as chat_scenario
    from messaging.models import Conversation, Message

    call_command("migrate", verbosity=0)
    chat_scenario.seed("small")
    room = Conversation.objects.get(kind=Conversation.Kind.ROOM)
    cookies = [seed.cookie_for(user) for user in chat_phases.room_members(room)]
    before = Message.objects.filter(conversation=room).count()

    # Production settings, the send limit lifted, tasks queued as for a worker (in memory).
    Path(workdir, "bench_chat_settings.py").write_text(
        "from portal.settings.base import *  # noqa: F403\n"
        "MESSAGING_SEND_RATE = (1_000_000, 10)\n"
        "CELERY_TASK_ALWAYS_EAGER = False\n",
        encoding="utf-8",
    )
    env = servers.production_env(
        database_url=database.url, redis_url=redis_url, secret_key=secret_key,
        static_root=workdir,
    )  # fmt: skip
    # The caller's PYTHONPATH goes on after the project's (a checkout run in a copy, say).
    extra = [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_chat_settings",
            "PYTHONPATH": os.pathsep.join([workdir, str(servers.ROOT), *extra]),
        }
    )
    fenv = servers.floor_env(database_url=floor_database.url, redis_url=redis_url)
    fenv["PYTHONPATH"] = os.pathsep.join([str(servers.FLOOR), *extra])
    if not args.floor_no_pool:
        fenv["FLOOR_DB_POOL"] = "1"
    servers.floor_cookie(fenv)  # migrates the floor's database
    _floor_table(floor_database.url)

    portals = [
        servers.Server("portal.asgi:application", cwd=servers.ROOT, env=env, probe="/healthz")
        for _ in range(2)
    ]
    floors = [
        servers.Server("floor_asgi:application", cwd=servers.FLOOR, env=fenv, probe="/user")
        for _ in range(2)
    ]
    for server in portals + floors:
        running.append(server)
        server.start()

    def hostport(server):
        return server.base.removeprefix("http://")

    portal_urls = []
    for i, cookie in enumerate(cookies):
        base = hostport(portals[i % 2])
        portal_urls.append(
            (f"ws://{base}/ws/chat/{room.pk}/", {"Cookie": cookie, "Origin": f"http://{base}"})
        )
    room_name = uuid.uuid4().hex[:8]
    floor_urls = [
        (f"ws://{hostport(floors[i % 2])}/ws/stored/{room_name}/", {}) for i in range(len(cookies))
    ]
    print(
        f"chat      {len(cookies)} members, 2 portal processes and 2 floor processes, "
        f"{args.rate:g} msg/s, {args.rounds} x {args.count} messages (+{args.warm} warm-up), "
        f"floor {'without' if args.floor_no_pool else 'with'} a pool",
        flush=True,
    )
    results = {"floor": [], "portal": []}
    for number in range(args.rounds):
        for kind, urls in (("floor", floor_urls), ("portal", portal_urls)):
            result = asyncio.run(
                one_round(kind, urls, rate=args.rate, count=args.count, warm=args.warm)
            )
            results[kind].append(result)
            print(f"round {number + 1}   {_line(kind, [result])}", flush=True)
    stored = set(
        Message.objects.filter(conversation=room, client_id__startswith="bench-chat-").values_list(
            "client_id", flat=True
        )
    )
    sent = [t for r in results["portal"] for t in r["tokens"]]
    print()
    floor_line, portal_line = _line("floor", results["floor"]), _line("portal", results["portal"])
    print(f"all       {floor_line}")
    print(f"all       {portal_line}")
    f50, f99 = _pcts(results["floor"])
    p50, p99 = _pcts(results["portal"])
    print(
        f"ratio     p50 {p50 / f50:.2f} (target <= {TARGET_P50}), "
        f"p99 {p99 / f99:.2f} (target <= {TARGET_P99})"
    )
    lost_rows = len(set(sent) - stored)
    print(
        f"portal    messages sent {len(sent)} (timed), stored {len(set(sent) & stored)}, "
        f"never stored {lost_rows}; room grew by "
        f"{Message.objects.filter(conversation=room).count() - before}"
    )
    for server, name in ((portals[0], "portal"), (floors[0], "floor")):
        rss = server.peak_rss_mb()
        print(f"memory    {name} process peak RSS {rss:.0f} MB" if rss else "", end="\n")
    lost = sum(r["expected"] - len(r["latencies"]) for r in results["portal"])
    if args.phases:
        _phases(args.phases, env)
    return 1 if lost or lost_rows else 0


def _phases(count: int, env: dict) -> None:
    """Where the portal's share goes: bench.chat_phases in a process with the web processes'
    environment (their settings, database and Redis), after the rounds (nothing else runs)."""
    import subprocess

    from bench.http import servers

    print(flush=True)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.chat_phases", str(count)], cwd=servers.ROOT, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise BenchError(f"bench.chat_phases failed:\n{result.stdout}{result.stderr}")
    print(result.stdout, end="", flush=True)


def _pcts(rounds: list[dict]) -> tuple[float, float]:
    latencies = [x for r in rounds for x in r["latencies"]]
    if not latencies:
        raise BenchError("no message arrived")
    return percentile(latencies, 0.5), percentile(latencies, 0.99)


def _line(kind: str, rounds: list[dict]) -> str:
    latencies = [x for r in rounds for x in r["latencies"]]
    expected = sum(r["expected"] for r in rounds)
    errors = sorted({e for r in rounds for e in r["errors"]})
    if not latencies:
        return f"{kind:<7} nothing arrived ({expected} expected)"
    return (
        f"{kind:<7} p50 {percentile(latencies, 0.5):6.1f} ms  "
        f"p90 {percentile(latencies, 0.9):6.1f} ms  p99 {percentile(latencies, 0.99):6.1f} ms  "
        f"mean {statistics.fmean(latencies):6.1f} ms  arrivals {len(latencies)}/{expected}  "
        f"lost {expected - len(latencies)}" + (f"  errors {','.join(errors)}" if errors else "")
    )


def _floor_table(url: str) -> None:
    """The stored consumer's table (the reference's README creates it by hand)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(chat_phases.FLOOR_TABLE)


if __name__ == "__main__":
    raise SystemExit(main())
