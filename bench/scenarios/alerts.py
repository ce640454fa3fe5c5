"""Urgent alerts: a drill to a county of 2,000 groups (10,000 people; small: 200 and 1,000).

1. Fan-out over real sockets: two uvicorn processes on the channels_redis layer, 2,000
   recipients connected (small: 200) split between them, and the drill sent by a process of its
   own through alerts.services.alert_send, the service the send button calls (stored in one
   transaction, pushed after commit). Printed: the time from the send until 50% and 99% of the
   connected recipients have the banner event, the sender's wall and CPU time (the store and the
   push apart), the two servers' CPU time, and how long until 99% of the browsers' "delivered"
   confirmations are stored. For comparison, the same push sent the way publish() sends any
   event (one layer message per person) from the same process.
2. The sender's pages at that size, in-process: the live board, the after-action report and
   its workbook.

Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/13, flushed first); without it the
socket figures are skipped with a note. BENCH_ALERT_SOCKETS sets how many recipients connect;
BENCH_CONN_MAX_AGE=60 gives the servers persistent database connections (each confirmation
frame otherwise opens one).
PostgreSQL (BENCH_DATABASE_URL) is the production-like choice: with the SQLite file the servers'
writes of 2,000 confirmations queue behind one another.
"""

import asyncio
import json
import math
import os
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from alerts import services as alert_services
from alerts.models import Alert, Recipient
from alerts.reach import Reach
from bench.runner import BenchError, percentile
from bench.scenarios.messaging import _flush, _redis_answers, _server
from groups.models import CorrectionGroup, Membership
from groups.scale import create_groups
from portal import services
from portal.models import AccountKind, Region, StaffRole, User

NAME = "alerts"
GROUPS = {"small": 200, "full": 2_000}
SOCKETS = {"small": 200, "full": 2_000}
COUNTY = "310113"  # 上海市宝山区, the drill of issue 18
TREE = (
    ("310000", "上海市", (("310100", "上海市市辖区", (("310113", "宝山区", (
        ("310113003", "友谊路司法所", ()), ("310113007", "吴淞街司法所", ()),
        ("310113008", "张庙街司法所", ()), ("310113101", "罗店镇司法所", ()),
        ("310113102", "大场镇司法所", ()), ("310113103", "杨行镇司法所", ()),
        ("310113104", "月浦镇司法所", ()), ("310113106", "罗泾镇司法所", ()),
        ("310113109", "顾村镇司法所", ()), ("310113111", "高境镇司法所", ()),
        ("310113112", "庙行镇司法所", ()), ("310113113", "淞南镇司法所", ()),
    )),)),)),
)  # fmt: skip
# Per group: the lead, a social worker, two volunteers, an enterprise contact (and a learner,
# who is never reached).
ROLES = (
    (Membership.Role.LEAD, AccountKind.SOCIAL_WORKER),
    (Membership.Role.SOCIAL_WORKER, AccountKind.SOCIAL_WORKER),
    (Membership.Role.VOLUNTEER, AccountKind.VOLUNTEER),
    (Membership.Role.VOLUNTEER, AccountKind.VOLUNTEER),
    (Membership.Role.ENTERPRISE_CONTACT, AccountKind.PARTNER),
    (Membership.Role.LEARNER, AccountKind.LEARNER),
)
SENDER = "coordinator@alerts.bench.example.cn"
MESSAGE = "【演练】宝山区防汛应急演练：请立即确认您所联系的矫正对象是否安全，并回复情况。"
ROOT = Path(__file__).resolve().parents[2]
_scale = {"value": "small"}

# The sending web process: the service itself, with its push timed apart (delivery.after_send
# runs on commit, inside alert_send), then the per-person way for comparison.
SEND = """
import json, sys, time
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from alerts import delivery, services
from alerts.models import Recipient
from alerts.reach import Reach
from portal import events
from portal.models import Region, User

push = {}
real_push = delivery.push
def timed_push(alert_id, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    pushed = real_push(alert_id, **kwargs)
    push.update(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)
    return pushed
delivery.push = timed_push

sender = User.objects.get(email=sys.argv[1])
data = services.AlertData(
    message=sys.argv[3], is_drill=True,
    reach=Reach(kind="county", region=Region.objects.get(code=sys.argv[2])),
)
# Warm, as a web process that has served requests is: imports, connections, the layer, Celery.
services.alert_check(sender=sender, data=data)
async_to_sync(get_channel_layer().group_send)("bench.warm", {"type": "bench.warm"})
from django.urls import reverse
reverse("alerts:list")  # the URL conf, which the payload's link needs
from contextlib import suppress
from alerts.tasks import escalate
with suppress(Exception):  # no alert 0: only the first task call's set-up is wanted
    escalate.apply(args=(0,))
if sys.argv[4] == "send":
    wall, cpu, start = time.perf_counter(), time.process_time(), time.time()
    alert, created = services.alert_send(sender=sender, data=data, key="bench-drill")
    result = {"start": start, "wall": time.perf_counter() - wall,
              "cpu": time.process_time() - cpu, "push_wall": push.get("wall"),
              "push_cpu": push.get("cpu"), "alert": alert.pk,
              "recipients": alert.recipient_count, "created": created}
else:
    # For comparison: the same event sent as publish() sends any event, one layer message per
    # person (the clients ignore its type).
    users = list(Recipient.objects.filter(alert__sender=sender).values_list("user_id", flat=True))
    message = {"type": events.LAYER_MESSAGE_TYPE,
               "event": {"type": "bench.per_person", "payload": {}}}
    wall, cpu = time.perf_counter(), time.process_time()
    events._deliver([events.user_group(u) for u in users], message)
    result = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
print(json.dumps(result))
"""


# ---------------------------------------------------------------------------
# Seed
# ---------------------------------------------------------------------------


def seed(scale: str) -> str:
    import random

    _scale["value"] = scale
    services.region_tree_load(tree=TREE)
    county = Region.objects.get(code=COUNTY)
    offices = list(Region.objects.filter(path__startswith=county.path, depth=4))
    before = set(CorrectionGroup.objects.values_list("pk", flat=True))
    create_groups(GROUPS[scale], rng=random.Random(18), offices=offices)
    groups = list(CorrectionGroup.objects.exclude(pk__in=before).order_by("pk"))
    users = User.objects.bulk_create(
        (
            User(
                email=f"p{g}.{r}@alerts.bench.example.cn",
                display_name=f"{'组长' if role == Membership.Role.LEAD else '成员'}{g:04d}-{r}",
                kind=kind,
                password="!",  # noqa: S106 - unusable: these people never log in with one
            )
            for g in range(len(groups))
            for r, (role, kind) in enumerate(ROLES)
        ),
        batch_size=5_000,
    )
    Membership.objects.bulk_create(
        (
            Membership(group=group, user=users[g * len(ROLES) + r], role=role)
            for g, group in enumerate(groups)
            for r, (role, _kind) in enumerate(ROLES)
        ),
        batch_size=5_000,
    )
    coordinator = services.user_create(
        email=SENDER, password=None, display_name="宝山区矫正中心值班员",
        kind=AccountKind.STAFF, email_verified=True,
    )  # fmt: skip
    services.staff_role_grant(
        user=coordinator, role=StaffRole.Role.COORDINATOR, region=county, granted_by=None
    )
    people = len(groups) * (len(ROLES) - 1)
    return f"{len(groups):,} groups, {people:,} people"


# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------


def _line(report, label: str, figures: str, size: str | None = None) -> None:
    print(f"{NAME:<11}{label:<38}{size or report.size:>16}   {figures}", file=report.out,
          flush=True)  # fmt: skip


def run(report) -> None:
    sender = User.objects.get(email=SENDER)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    if _redis_answers(redis_url):
        _flush(redis_url)
        alert = _fan_out(report, sender, redis_url)
    else:
        _line(report, "fan-out figures skipped", f"no Redis at {redis_url}")
        alert, _created = alert_services.alert_send(
            sender=sender,
            key="bench-drill",
            data=alert_services.AlertData(
                message=MESSAGE,
                is_drill=True,
                reach=Reach(kind="county", region=Region.objects.get(code=COUNTY)),
            ),
        )
    _pages(report, sender, alert)


def _sessions(users) -> list[str]:
    """Session cookies made directly (a login per person would take minutes at 2,000)."""
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    return cookies


def _connected_people(count: int) -> list[User]:
    """Every fifth person the drill reaches, so all groups and roles are among the connected."""
    county = Region.objects.get(code=COUNTY)
    members = (
        Membership.objects.filter(group__judicial_office__path__startswith=county.path)
        .exclude(role=Membership.Role.LEARNER)
        .select_related("user")
        .order_by("pk")
    )
    chosen = [m.user for n, m in enumerate(members) if n % 5 == 0]
    return chosen[:count]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fan_out(report, sender, redis_url):
    wanted = int(os.environ.get("BENCH_ALERT_SOCKETS", SOCKETS[_scale["value"]]))
    people = _connected_people(wanted)
    cookies = _sessions(people)
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as settings_dir:
        conn_age = int(os.environ.get("BENCH_CONN_MAX_AGE", "0"))
        Path(settings_dir, "bench_alerts_settings.py").write_text(
            "from portal.settings.test import *  # noqa: F403\n"
            # BENCH_CONN_MAX_AGE=60 measures persistent database connections (default: as
            # portal.settings configures them, a connection per confirmation frame).
            + (f"DATABASES['default']['CONN_MAX_AGE'] = {conn_age}\n" if conn_age else ""),
            encoding="utf-8",
        )
        with ExitStack() as stack:
            servers = [
                stack.enter_context(_server(settings_dir, redis_url, "bench_alerts_settings"))
                for _ in range(2)
            ]
            pids = _server_pids(servers)
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench_alerts_settings",
                "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
                "REDIS_URL": redis_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            }
            outcome = asyncio.run(_clients(servers, cookies, env, pids))
    sent, arrivals, connected, server_cpu = outcome
    if not arrivals:
        raise BenchError("no connected recipient received the alert")
    alert = Alert.objects.get(pk=sent["alert"])
    latencies = sorted(at - sent["start"] for at in arrivals)
    lost = connected - len(latencies)
    needed = math.ceil(0.99 * connected)  # 99% of the connected recipients
    p99 = latencies[needed - 1] if len(latencies) >= needed else None
    delivered = sorted(
        (at - alert.created_at).total_seconds()
        for at in Recipient.objects.filter(alert=alert, delivered_at__isnull=False).values_list(
            "delivered_at", flat=True
        )
    )
    ms = 1000
    banner99 = f"{p99 * ms:8.0f} ms" if p99 is not None else "   never"
    lines = [
        (f"sockets connected (of {wanted:,} wanted)", f"{connected:,} over 2 uvicorn processes"),
        ("send → banner, 50% of connected", f"{percentile(latencies, 0.5) * ms:8.0f} ms"),
        ("send → banner, 99% of connected", f"{banner99}  ({lost} lost)"),
        (
            "sender: store + push, wall / CPU",
            f"{sent['wall'] * ms:8.0f} ms / {sent['cpu'] * ms:.0f} ms CPU  (push alone "
            f"{sent['push_wall'] * ms:.0f} ms / {sent['push_cpu'] * ms:.0f} ms CPU)",
        ),
        ("both servers' CPU until 99% had it", f"{server_cpu * ms:8.0f} ms"),
    ]
    if delivered:
        lines.append(
            (
                "send → 99% of confirmations stored",
                f"{percentile(delivered, 0.99) * ms:8.0f} ms  ({len(delivered):,} stored)",
            )
        )
    lines.append(
        (
            "per-person push (publish()), compare",
            f"{sent['per_person_wall'] * ms:8.0f} ms / {sent['per_person_cpu'] * ms:.0f} ms CPU"
            "  (one group_send per person)",
        )
    )
    size = f"{sent['recipients']:,} reached"
    for label, figures in lines:
        _line(report, label, figures, size)
    return alert


def _server_pids(servers) -> list[int]:
    """The uvicorn processes listening on the servers' ports (children of this process)."""
    ports = {base.rsplit(":", 1)[1] for base in servers}
    pids = []
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            cmdline = (child / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in b" ".join(cmdline) and any(p.encode() in cmdline for p in ports):
            pids.append(int(child.name))
    return pids


async def _clients(servers, cookies, env, pids):
    from websockets.asyncio.client import connect

    arrivals: list[float] = []
    confirm = asyncio.Queue()
    gate = asyncio.Semaphore(50)

    async def open_one(i, cookie):
        base = servers[i % len(servers)]
        async with gate:
            return await connect(
                f"ws://{base}/ws/notifications/",
                additional_headers={"Cookie": cookie, "Origin": f"http://{base}"},
                open_timeout=60,
                max_size=2**20,
            )

    sockets = [
        s for s in await asyncio.gather(*(open_one(i, c) for i, c in enumerate(cookies)),
                                        return_exceptions=True)
        if not isinstance(s, BaseException)
    ]  # fmt: skip

    async def listen(ws):
        try:
            async for raw in ws:
                if '"alert.sent"' in raw:
                    arrivals.append(time.time())
                    # As the banner script does: confirm it arrived and is on screen.
                    frame = json.loads(raw)
                    await confirm.put((ws, frame["payload"]["alert"]))
        except Exception:  # noqa: S110 - the sockets close at the end of the run
            pass

    async def confirmer():
        while True:
            ws, alert_id = await confirm.get()
            with suppress(Exception):  # a socket closing at the end of the run
                await ws.send(
                    json.dumps({"type": "alert.delivered", "alert": alert_id, "seen": True})
                )

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    confirmers = [asyncio.create_task(confirmer()) for _ in range(4)]
    await asyncio.sleep(2)  # the servers settle
    cpu_before = sum(_cpu_seconds(pid) for pid in pids)
    sender = await _sending_process(env, "send")
    deadline = time.monotonic() + 120
    cpu_at_99 = None
    while time.monotonic() < deadline:
        if cpu_at_99 is None and len(arrivals) * 100 >= 99 * len(sockets):
            cpu_at_99 = sum(_cpu_seconds(pid) for pid in pids)
        if sender.returncode is not None and len(arrivals) >= len(sockets):
            break
        with suppress(TimeoutError):
            await asyncio.wait_for(sender.wait(), timeout=0.01)
    sent = await _result_of(sender)
    await _confirmations_stored(len(arrivals))
    compared = await _result_of(await _sending_process(env, "compare"))
    sent.update(per_person_wall=compared["wall"], per_person_cpu=compared["cpu"])
    # A few at a time: a thousand sockets closing at once would exhaust the servers' Redis
    # connection pools (redis-py's default of 100) and fail their group_discard calls.
    for start in range(0, len(sockets), 20):
        await asyncio.gather(*(ws.close() for ws in sockets[start : start + 20]))
    for task in listeners + confirmers:
        task.cancel()
    server_cpu = (
        cpu_at_99 if cpu_at_99 is not None else sum(_cpu_seconds(p) for p in pids)
    ) - cpu_before
    return sent, arrivals, len(sockets), server_cpu


async def _sending_process(env, mode: str):
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", SEND, SENDER, COUNTY, MESSAGE, mode, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _result_of(process) -> dict:
    out, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"the sending process failed:\n{err.decode()[-3000:]}")
    return json.loads(out.decode().strip().splitlines()[-1])


async def _confirmations_stored(count: int, seconds: float = 120) -> None:
    """Wait until the servers have stored every confirmation sent (or give up)."""
    from asgiref.sync import sync_to_async

    def stored() -> int:
        return Recipient.objects.filter(delivered_at__isnull=False).count()

    deadline = time.monotonic() + seconds
    while await sync_to_async(stored)() < count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)


def _pages(report, sender, alert) -> None:
    client = Client()
    client.force_login(sender)
    size = f"{alert.recipient_count:,} reached"
    report.measure("live board (first 50 groups)", client, f"/alerts/{alert.pk}/", size=size)
    # A third acknowledge over the first ten minutes (written directly: the figures, not the
    # acknowledging, are measured here), then the alert closes and its report is kept.
    ids = list(Recipient.objects.filter(alert=alert).order_by("pk").values_list("pk", flat=True))
    acknowledged = ids[::3]
    for minute in range(10):
        Recipient.objects.filter(pk__in=acknowledged[minute::10]).update(
            acknowledged_at=alert.created_at + timedelta(seconds=20 + 60 * minute),
            opened_at=alert.created_at + timedelta(seconds=10 + 60 * minute),
            reply="已联系上",
        )
    alert_services.alert_close(alert=alert, closed_by=sender)
    report.measure("after-action report", client, f"/alerts/{alert.pk}/report/", size=size)
    report.measure("report workbook (.xlsx)", client, f"/alerts/{alert.pk}/report.xlsx", size=size)
