"""Real-time messaging: a 20-member group room.

1. History and resume at 100,000 messages (5,000 small): the queries a chat page and a
   reconnecting socket run, timed in-process, and the room page through the test Client.
2. Round trips over real sockets: uvicorn serving portal.asgi, 20 members connected, one message
   sent at a time at a steady rate by each member in turn; a round trip is the time from a
   send to its arrival at each of the 20 sockets. First with the channels_redis layer and two
   server processes (members split between them), then with the in-memory layer in one process.
   The rate doubles until p99 passes 1 s or a delivery is lost; the highest rate with p99 at
   most 50 ms is the throughput figure.

Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/13); without it the Redis figures are
skipped with a note. With the SQLite bench database both processes share one file; PostgreSQL
(BENCH_DATABASE_URL) is the production-like choice.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.utils import timezone

from bench.runner import BenchError, percentile
from bench.scenarios import _people
from groups import services as group_services
from groups.models import Membership, SentenceType, Stage, SupervisionLevel
from messaging import selectors, services
from messaging.models import Conversation, Message
from portal import services as portal_services
from portal.models import AccountKind, OffenceCategory, Region, User

NAME = "messaging"
MESSAGES = {"small": 5_000, "full": 100_000}
STEP_SECONDS = {"small": 1.5, "full": 4.0}
MEMBERS = 20
RATES = (5, 10, 20, 40, 80, 160, 320)
# The ramp goes on past the target so the curve shows; it stops when the server falls behind.
GIVE_UP_P99_MS = 1000.0
TARGET_P99_MS = 50.0
ROOT = Path(__file__).resolve().parents[2]
LEAD = "lead@chat.bench.example.cn"
TREE = (
    ("440000", "广东省", (("440100", "广州市", (("440106", "天河区", (
        ("440106005", "石牌街司法所", ()),
    )),)),)),
)  # fmt: skip
_scale = {"value": "small"}


# ---------------------------------------------------------------------------
# Seed
# ---------------------------------------------------------------------------


def seed(scale: str) -> str:
    _scale["value"] = scale
    portal_services.region_tree_load(tree=TREE)
    office = Region.objects.get(code="440106005")
    admin = portal_services.user_create(
        email="admin@chat.bench.example.cn",
        password=None,
        display_name="基准管理员",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    group = group_services.group_create(
        data=group_services.GroupData(
            judicial_office=office,
            stage=Stage.ACTIVE,
            supervision_level=SupervisionLevel.ORDINARY,
            offence=OffenceCategory.objects.get(code="dangerous_driving"),
            sentence_type=SentenceType.PROBATION,
            start_date=timezone.localdate() - timedelta(days=30),
            planned_end_date=timezone.localdate() + timedelta(days=300),
            is_juvenile=False,
            needs={"employment": 1},
            forbidden_industries=[],
            forbidden_places="",
            approved_regions=[office.get_parent()],
            case_notes="",
        ),
        created_by=admin,
    )
    people = [
        portal_services.user_create(
            email=LEAD if i == 0 else f"member{i}@chat.bench.example.cn",
            password=None,
            display_name="组长刘芳" if i == 0 else f"志愿者{i:02d}",
            kind=AccountKind.SOCIAL_WORKER if i == 0 else AccountKind.VOLUNTEER,
            email_verified=True,
        )
        for i in range(MEMBERS)
    ]
    _people.vetted(people, office)
    group_services.lead_hand_over(group=group, new_lead=people[0], handed_over_by=admin)
    for person in people[1:]:
        group_services.member_add(
            group=group, user=person, role=Membership.Role.VOLUNTEER, added_by=admin
        )
    room = services.room_ensure(group=group)
    count = MESSAGES[scale]
    start = timezone.now() - timedelta(days=60)
    batch = []
    for n in range(count):
        batch.append(
            Message(
                conversation=room,
                sender=people[n % MEMBERS],
                body=f"第{n}条：本周走访安排与就业帮扶进展，请大家按时报到。",
                created_at=start + timedelta(seconds=30 * n),
            )
        )
        if len(batch) == 5_000:
            Message.objects.bulk_create(batch)
            batch = []
    Message.objects.bulk_create(batch)
    return f"{count:,} messages"


# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------


def run(report) -> None:
    room = Conversation.objects.get(kind=Conversation.Kind.ROOM)
    lead = User.objects.get(email=LEAD)
    _history_figures(report, room, lead)
    members = list(
        Membership.objects.filter(group=room.group, left_at=None)
        .select_related("user")
        .order_by("pk")
    )
    cookies = [_session(m.user) for m in members]
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    out = report.out
    if _redis_answers(redis_url):
        _flush(redis_url)
        _realtime(report, room, cookies, label="channels_redis, 2 processes", redis=redis_url)
    else:
        print(f"{NAME:<10}channels_redis figures skipped: no Redis at {redis_url}", file=out)
    _realtime(report, room, cookies, label="in-memory layer, 1 process", redis="")


def _timed(function, repeat: int) -> tuple[float, float]:
    for _ in range(3):
        function()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return percentile(timings, 0.5), percentile(timings, 0.95)


def _history_figures(report, room, lead) -> None:
    last = Message.objects.filter(conversation=room).order_by("-id").values_list("id", flat=True)[0]
    first = Message.objects.filter(conversation=room).order_by("id").values_list("id", flat=True)[0]
    cases = [
        ("latest page (50)", lambda: selectors.history(room)),
        ("page before the middle", lambda: selectors.history(room, before=(first + last) // 2)),
        ("resume, 20 missed", lambda: selectors.messages_after(room, last - 20)),
        ("resume from the start (200)", lambda: selectors.messages_after(room, 0)),
        ("unread badge (nav, 1 query)", lambda: selectors.unread_total(lead)),
    ]
    for label, function in cases:
        p50, p95 = _timed(function, report.requests)
        print(
            f"{NAME:<10}{label:<38}{report.size:>16}   "
            f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  (query)",
            file=report.out,
            flush=True,
        )
    client = Client()
    client.force_login(lead)
    report.measure("room page", client, f"/messages/c/{room.pk}/")


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(settings_dir: str, redis: str, settings_module: str = "bench_messaging_settings"):
    """uvicorn on the bench database with the settings module written in `settings_dir` (here
    the send limit is lifted: one sender per member in turn at hundreds of messages a second is
    the point, not a flood; the alerts scenario writes its own)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
        "REDIS_URL": redis,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    log = open(Path(settings_dir, f"uvicorn-{port}.log"), "w+", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise BenchError(f"uvicorn did not start:\n{log.read()}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        errors = log.read()
        log.close()
        if "Traceback" in errors:
            print(f"server {base} reported errors:\n{errors[-3000:]}", file=sys.stderr)


def _realtime(report, room, cookies, *, label: str, redis: str) -> None:
    processes = 2 if redis else 1
    conn_age = int(os.environ.get("BENCH_CONN_MAX_AGE", "0"))
    with tempfile.TemporaryDirectory(prefix="bench-messaging-") as settings_dir:
        Path(settings_dir, "bench_messaging_settings.py").write_text(
            "from portal.settings.test import *  # noqa: F403\n"
            "MESSAGING_SEND_RATE = (1_000_000, 10)\n"
            # Tasks are queued (in memory), not run in the web process: as with a worker.
            "CELERY_TASK_ALWAYS_EAGER = False\n"
            # BENCH_CONN_MAX_AGE=60 measures persistent database connections (default: as
            # portal.settings configures them).
            + (f"DATABASES['default']['CONN_MAX_AGE'] = {conn_age}\n" if conn_age else ""),
            encoding="utf-8",
        )
        with ExitStack() as stack:
            servers = [stack.enter_context(_server(settings_dir, redis)) for _ in range(processes)]
            steps = asyncio.run(
                _ramp(servers, room.pk, cookies, seconds=STEP_SECONDS[_scale["value"]])
            )
    best = None
    for rate, p50, p99, delivered, lost in steps:
        within = p99 <= TARGET_P99_MS and not lost
        if within:
            best = (rate, delivered)
        print(
            f"{NAME:<10}{'round trip, ' + label:<52}{rate:>5} msg/s   "
            f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {delivered:6.0f} deliveries/s"
            f"{'  lost ' + str(lost) if lost else ''}",
            file=report.out,
            flush=True,
        )
    if best:
        print(
            f"{NAME:<10}{'throughput, ' + label:<52}{best[0]:>5} msg/s   "
            f"({best[1]:.0f} deliveries/s to {MEMBERS} members) before p99 passes "
            f"{TARGET_P99_MS:.0f} ms",
            file=report.out,
            flush=True,
        )
    else:
        print(f"{NAME:<10}throughput, {label}: p99 above {TARGET_P99_MS:.0f} ms at every rate",
              file=report.out, flush=True)  # fmt: skip


async def _ramp(servers, conversation_id, cookies, *, seconds):
    from websockets.asyncio.client import connect

    sockets = []
    for i, cookie in enumerate(cookies):
        base = servers[i % len(servers)]
        ws = await connect(
            f"ws://{base}/ws/chat/{conversation_id}/",
            additional_headers={"Cookie": cookie, "Origin": f"http://{base}"},
            max_size=2**22,
        )
        hello = json.loads(await ws.recv())
        if hello["type"] != "hello":
            raise BenchError(f"chat socket refused: {hello}")
        sockets.append(ws)
    sent: dict[str, float] = {}
    received: list[tuple[str, float]] = []

    async def listen(ws):
        try:
            async for raw in ws:
                now = time.perf_counter()
                if '"message.new"' in raw:
                    body = json.loads(raw)["message"]["body"]
                    received.append((body, now))
        except Exception:  # noqa: S110 - the socket closes at the end of the run
            pass

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    await asyncio.sleep(1)  # presence frames settle
    steps = []
    seq = 0
    # Warm-up: the first messages pay for database connections, caches and lazy imports.
    for n in range(20):
        await sockets[n % len(sockets)].send(json.dumps({"type": "message.send", "body": "warm"}))
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)
    for rate in RATES:
        sent.clear()
        received.clear()
        count = max(10, int(rate * seconds))
        interval = 1 / rate
        start = time.perf_counter()
        for n in range(count):
            target = start + n * interval
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            key = f"bench-{seq}"
            seq += 1
            sent[key] = time.perf_counter()
            await sockets[n % len(sockets)].send(json.dumps({"type": "message.send", "body": key}))
        elapsed = time.perf_counter() - start
        expected = len(sent) * len(sockets)
        deadline = time.perf_counter() + 3
        while len(received) < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        latencies = [(at - sent[body]) * 1000 for body, at in received if body in sent]
        lost = expected - len(latencies)
        if not latencies:
            raise BenchError("no message arrived")
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        steps.append((rate, p50, p99, len(latencies) / max(elapsed, 1e-9), lost))
        if p99 > GIVE_UP_P99_MS or lost:
            break
    for ws in sockets:
        await ws.close()
    for task in listeners:
        task.cancel()
    return steps
