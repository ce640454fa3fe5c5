"""The chaos run (`make bench-faults`): 20 members of one group chat through two uvicorn
processes on a Redis channel layer while Redis is restarted twice and one web process is killed
(-9) and started again. Each member behaves like chat.js: an outbox of unacknowledged messages
with client ids, sent again after every reconnect; a reconnect (to the other process while its
own is down, as a load balancer would) resumes from the last id below which it holds every
message, and a gap in the broadcasts (each names the message before it) is filled by a resume.
At the end it counts messages sent, stored, acknowledged and received by every member,
duplicates, and the longest time any member was without a message it should have had.

    python -m bench.faults                 a minute of chaos
    python -m bench.faults --seconds 20    a quick run

Everything runs on services of its own: a PostgreSQL cluster (initdb on a temporary directory)
and a Redis on free ports; the machine's shared ones are never touched. Exits 1 when a message
was lost or stored twice, or a member never received one. What it does not do: the browser's
HTTP fallback while the socket is down (the tests cover it), and files.
"""

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

MEMBERS = 20
SEND_EVERY = 2.0  # seconds between one member's messages, on average (the limit: 20 in 10 s)
GAP_WAIT = 3.0  # chat.js GAP_WAIT_MS: a gap still open this long after it showed is resumed
RESEND_AFTER = 10.0  # chat.js RESEND_AFTER
CATCH_UP_LIMIT = 120.0  # seconds after the chaos for every outbox to empty and every member
PREFIX = "混沌"


# ---------------------------------------------------------------------------
# One member: chat.js, in Python
# ---------------------------------------------------------------------------


class Member:
    def __init__(self, index: int, cookie: str, servers: list, room: int, last_id: int):
        self.index, self.cookie, self.servers, self.room = index, cookie, servers, room
        self.home = index % len(servers)
        self.outbox: dict[str, str] = {}  # client_id -> body, oldest first
        self.inflight: dict[str, float] = {}
        self.created: list[str] = []
        self.acked: dict[str, int] = {}
        self.seen: dict[int, float] = {}  # message id -> when it first reached this member
        self.repeats = self.drops = self.rate_limited = 0
        self.refused: list[dict] = []
        self.complete, self.next_of, self.highest_prev = last_id, {}, 0
        self.gap_check = None
        self.gap_resumes = 0
        self.ws = None
        self.resumed = False
        self.running = True

    # -- what chat.js keeps ------------------------------------------------------------------

    def advance(self) -> None:
        while self.next_of.get(self.complete) in self.seen:
            self.complete = self.next_of[self.complete]

    def linked(self, prev_id: int, message_id: int) -> None:
        self.next_of[prev_id] = message_id
        self.highest_prev = max(self.highest_prev, prev_id)
        self.advance()
        if self.complete < self.highest_prev and self.gap_check is None:
            self.gap_check = asyncio.get_running_loop().create_task(self.fill_gap())

    async def fill_gap(self) -> None:
        await asyncio.sleep(GAP_WAIT)
        self.gap_check = None
        if self.complete < self.highest_prev and self.ws is not None:
            self.gap_resumes += 1
            # A socket that dropped meanwhile resumes anyway when it reconnects.
            with contextlib.suppress(Exception):
                await self.ws.send(json.dumps({"type": "resume", "last_id": self.complete}))

    def see(self, message: dict) -> None:
        if message["id"] in self.seen:
            self.repeats += 1
        else:
            self.seen[message["id"]] = time.time()

    # -- the socket ---------------------------------------------------------------------------

    async def connection(self) -> None:
        from websockets.asyncio.client import connect

        attempt = 0
        while self.running:
            base = self.servers[(self.home + attempt) % len(self.servers)].base
            try:
                async with connect(
                    f"ws://{base}/ws/chat/{self.room}/",
                    additional_headers={"Cookie": self.cookie, "Origin": f"http://{base}"},
                    open_timeout=5, close_timeout=1, max_size=2**22,
                ) as ws:  # fmt: skip
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if hello["type"] != "hello":
                        raise ConnectionError(hello)
                    attempt = 0
                    self.ws, self.resumed = ws, False
                    await ws.send(json.dumps({"type": "resume", "last_id": self.complete}))
                    async for raw in ws:
                        await self.handle(ws, json.loads(raw))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001, S110 - any failure is a drop; the loop reconnects
                pass
            if self.ws is not None:
                self.drops += 1
            self.ws, self.resumed = None, False
            if not self.running:
                break
            # chat.js's back-off: 1 s, 2 s, 4 s ... up to 30 s, with jitter.
            await asyncio.sleep(min(30.0, 2.0**attempt) * (0.5 + random.random() / 2))
            attempt += 1

    async def handle(self, ws, frame: dict) -> None:
        kind = frame["type"]
        if kind == "message.new":
            self.see(frame["message"])
            self.linked(frame.get("prev_id", 0), frame["message"]["id"])
        elif kind == "history":
            for message in frame["messages"]:
                self.see(message)
        elif kind == "resume.done":
            if frame["more"]:
                await ws.send(json.dumps({"type": "resume", "last_id": frame["last_id"]}))
                return
            self.complete = max(self.complete, frame["last_id"])
            self.advance()
            if not self.resumed:  # the connection's first resume, not one that filled a gap
                self.resumed = True
                self.inflight.clear()
                await self.flush()
        elif kind == "message.ack":
            client_id = frame.get("client_id")
            if client_id:
                self.outbox.pop(client_id, None)
                self.inflight.pop(client_id, None)
                self.acked[client_id] = frame["id"]
            if frame.get("message"):
                self.see(frame["message"])
            self.advance()
        elif kind == "error" and frame.get("client_id"):
            if frame["code"] == "rate_limited":
                self.rate_limited += 1
                self.inflight.pop(frame["client_id"], None)
            else:
                self.refused.append(frame)
                self.outbox.pop(frame["client_id"], None)

    async def flush(self) -> None:
        ws, now = self.ws, time.time()
        if ws is None or not self.resumed:
            return
        for client_id, body in list(self.outbox.items()):
            if now - self.inflight.get(client_id, 0) < RESEND_AFTER:
                continue
            self.inflight[client_id] = now
            frame = {"type": "message.send", "body": body, "client_id": client_id}
            try:
                await ws.send(json.dumps(frame, ensure_ascii=False))
            except Exception:  # noqa: BLE001 - dropped: the reconnect sends it again
                return

    async def talk(self, until: float, every: float) -> None:
        await asyncio.sleep(random.uniform(0, every))
        n = 0
        while time.monotonic() < until:
            n += 1
            client_id = uuid.uuid4().hex
            self.outbox[client_id] = (
                f"{PREFIX} {self.index:02d}-{n:04d} 今晚七点线上学习，请准时参加"
            )
            self.created.append(client_id)
            await self.flush()
            await asyncio.sleep(every * random.uniform(0.5, 1.5))

    async def keep_flushing(self) -> None:
        while self.running:  # chat.js: setInterval(flush, 3000)
            await asyncio.sleep(3)
            await self.flush()


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def stored_rows(room_id: int, after_id: int) -> list[dict]:
    from django.db import connection

    from messaging.models import Message

    try:
        return list(
            Message.objects.filter(conversation_id=room_id, id__gt=after_id)
            .order_by("id")
            .values("id", "client_id", "sender_id", "body", "created_at")
        )
    finally:
        connection.close()


async def chaos(servers, redis, members, *, seconds, every, room_id: int, after_id: int):
    start = time.monotonic()
    events: list[str] = []

    def redis_restart(kill: bool):
        redis.stop(kill=kill)
        time.sleep(2)
        redis.start()

    def web_restart():
        servers[0].kill()
        time.sleep(3)
        servers[0].start()

    async def at(fraction: float, label: str, action, *args):
        await asyncio.sleep(max(0.0, start + fraction * seconds - time.monotonic()))
        began = time.monotonic() - start
        await asyncio.to_thread(action, *args)
        events.append(f"{label} at {began:.1f} s (back at {time.monotonic() - start:.1f} s)")

    until = start + seconds
    tasks = [asyncio.create_task(m.connection()) for m in members]
    tasks += [asyncio.create_task(m.keep_flushing()) for m in members]
    talkers = [asyncio.create_task(m.talk(until, every)) for m in members]
    await asyncio.gather(
        at(0.25, "Redis killed and restarted", redis_restart, True),
        at(0.45, "web process 1 killed (-9) and restarted", web_restart),
        at(0.70, "Redis stopped and restarted", redis_restart, False),
        *talkers,
    )
    sent_until = time.monotonic()
    # Catch up: every outbox empties, every member holds every stored message.
    rows = []
    while time.monotonic() - sent_until < CATCH_UP_LIMIT:
        rows = await asyncio.to_thread(stored_rows, room_id, after_id)
        ids = {r["id"] for r in rows}
        if all(not m.outbox and ids <= m.seen.keys() for m in members):
            break
        await asyncio.sleep(1)
    catch_up = time.monotonic() - sent_until
    for member in members:
        member.running = False
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    rows = await asyncio.to_thread(stored_rows, room_id, after_id)
    return events, rows, catch_up


def report(members, rows, events, *, seconds: float, catch_up: float, out=sys.stdout) -> bool:
    created = {cid for m in members for cid in m.created}
    acked = {cid for m in members for cid in m.acked}
    stored_ids = [r["id"] for r in rows]
    stored_clients = [r["client_id"] for r in rows]
    duplicates = len(stored_clients) - len(set(stored_clients))
    lost = len(created - set(stored_clients))
    received = [len(set(stored_ids) & m.seen.keys()) for m in members]
    missing = sum(len(stored_ids) - n for n in received)
    refused = sum(len(m.refused) for m in members)
    stored_at = {r["id"]: r["created_at"].timestamp() for r in rows}
    waits = [
        (m.seen[i] - stored_at[i], m.index, i) for m in members for i in stored_ids if i in m.seen
    ]
    longest = max(waits) if waits else (0.0, 0, 0)
    delays = sorted(w for w, _m, _i in waits)

    def line(label, value):
        print(f"{label:<37}{value}", file=out)

    print(f"chaos run: {len(members)} members, 2 web processes, {seconds:.0f} s", file=out)
    for event in events:
        print(f"  {event}", file=out)
    line("messages sent", len(created))
    line("stored", len(stored_ids))
    line("acknowledged", len(acked))
    line("received by every member", f"{min(received)} (fewest), {max(received)} (most)")
    line("lost (sent, never stored)", lost)
    line("stored twice", duplicates)
    line("missing at a member", missing)
    line("refused (not the rate limit)", refused)
    line("rate-limited, sent again", sum(m.rate_limited for m in members))
    line("socket drops (reconnected)", sum(m.drops for m in members))
    line("gaps seen and filled by a resume", sum(m.gap_resumes for m in members))
    line("deliveries repeated (dropped by id)", sum(m.repeats for m in members))
    if delays:
        line(
            "delivery delay",
            f"p50 {statistics.median(delays) * 1000:.0f} ms, "
            f"p99 {delays[int(0.99 * (len(delays) - 1))]:.2f} s",
        )
    line(
        "longest without a message",
        f"{longest[0]:.1f} s (member {longest[1]:02d}, message {longest[2]})",
    )
    line("catch-up after the chaos", f"{catch_up:.1f} s")
    ok = (
        lost == 0
        and duplicates == 0
        and missing == 0
        and refused == 0
        and len(acked) == len(stored_ids) == len(created)
    )
    print("result: " + ("0 lost, 0 duplicated" if ok else "FAILED"), file=out)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the chaos")
    parser.add_argument(
        "--send-every", type=float, default=SEND_EVERY,
        help="seconds between one member's messages, on average (the send limit: 20 in 10 s)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    from bench.runner import configure_environment
    from tests.servers import PostgresServer, RedisServer

    print("starting PostgreSQL and Redis of the run's own ...", flush=True)
    postgres = PostgresServer()
    redis = RedisServer()
    servers = []
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as settings_dir:
        try:
            postgres.start()
            redis.start()
            url = postgres.create_database("portal_faults")
            configure_environment(url)
            ok = _run(args, url, redis, servers, settings_dir)
        finally:
            for server in servers:
                server.stop()
            redis.remove()
            postgres.remove()
    return 0 if ok else 1


def _run(args, url: str, redis, servers: list, settings_dir: str) -> bool:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.scenarios import messaging as chat_bench
    from groups.models import Membership
    from messaging.models import Conversation, Message
    from tests.servers import ROOT, AsgiServer

    print("migrating and seeding a 20-member group ...", flush=True)
    call_command("migrate", verbosity=0)
    chat_bench.seed("small")
    room = Conversation.objects.get(kind=Conversation.Kind.ROOM)
    last_id = Message.objects.filter(conversation=room).order_by("-id").values_list("id")[0][0]
    cookies = []
    for membership in Membership.objects.filter(group=room.group, left_at=None).order_by("pk"):
        client = Client()
        client.force_login(membership.user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")

    Path(settings_dir, "bench_faults_settings.py").write_text(
        "from portal.settings.test import *  # noqa: F403\n"
        "# Tasks are queued (in memory), not run in the web process: as with a worker.\n"
        "CELERY_TASK_ALWAYS_EAGER = False\n",
        encoding="utf-8",
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_faults_settings",
        "PYTHONPATH": f"{settings_dir}:{ROOT}",
        "DATABASE_URL": url,
        "REDIS_URL": redis.url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    print("starting two web processes ...", flush=True)
    for _ in range(2):
        servers.append(AsgiServer(env=env))
        servers[-1].start()
    members = [Member(i, cookie, servers, room.pk, last_id) for i, cookie in enumerate(cookies)]
    print(f"chatting for {args.seconds:.0f} s ...", flush=True)
    events, rows, catch_up = asyncio.run(
        chaos(
            servers,
            redis,
            members,
            seconds=args.seconds,
            every=args.send_every,
            room_id=room.pk,
            after_id=last_id,
        )  # fmt: skip
    )
    return report(members, rows, events, seconds=args.seconds, catch_up=catch_up)


if __name__ == "__main__":
    raise SystemExit(main())
