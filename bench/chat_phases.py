"""The chat send path, phase by phase, against the floor's store: where a send's time goes.

`make bench-chat` measures round trips; this says what is inside the portal's share of one.
bench.chat runs it (`--phases N`, 300 by default) in a process with its web processes'
environment (production settings, the bench database, Redis), so the same round trips to
PostgreSQL and Redis are timed. Each send is the consumer's own call (messaging.consumers:
the service on the database thread, its room frames collected), interleaved with the floor's
store (one INSERT in its own transaction, as bench/floor's consumer does) on the same database.

Each phase is a function of the send path timed where it is called; a phase no send went
through is an error, not a zero (a renamed function must not quietly leave the table).

    python -m bench.chat_phases 300      (in bench.chat's environment; see bench.chat --phases)
"""

import statistics
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager

# (what it is, the rule it keeps, where it lives, its name there). In the order a send runs.
PHASES = (
    ("send allowance", "one Redis round trip: a flood is refused across processes",
     "messaging.ratelimit", "allow_send"),
    ("conversation lock", "BEGIN and the row lock: ids commit in order, a resume misses none",
     "messaging.services.chat", "_locked_conversation"),
    ("sender's place", "re-read under the lock: nobody removed, no closed group, can post",
     "messaging.services.chat", "_locked_access"),
    ("insert", "the message's row (the floor's one INSERT)",
     "messaging.models", "Message.save"),
    ("commit", "the transaction's end (the floor commits too)",
     "django.db.backends.base.base", "BaseDatabaseWrapper._commit"),
    ("room frame", "the broadcast, checked as JSON, handed over on commit",
     "messaging.broadcast", "room_publish"),
    ("away check", "one Redis round trip: one away-check a conversation per 10 s",
     "messaging.services.chat", "_enqueue_away"),
)  # fmt: skip

FLOOR_TABLE = (
    "CREATE TABLE IF NOT EXISTS floor_msg (id bigserial primary key, room text, body text, "
    "created timestamptz default now())"
)


def _target(module_name: str, name: str):
    """(the object holding the function, its attribute name)."""
    import importlib

    owner = importlib.import_module(module_name)
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, attribute


class Phases:
    """{label: [ms, ...]} of each phase's calls made while `on` (the floor's store commits
    too, and its commit is not the send's)."""

    def __init__(self):
        self.spent: dict[str, list[float]] = {label: [] for label, *_ in PHASES}
        self.on = False

    def timer(self, function, label: str):
        def timed(*args, **kwargs):
            if not self.on:
                return function(*args, **kwargs)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[label].append((time.perf_counter() - start) * 1000)

        return timed


@contextmanager
def timed_phases():
    """Within the block, each phase's function is timed whenever the Phases yielded is on."""
    phases = Phases()
    with ExitStack() as stack:
        for label, _why, module_name, name in PHASES:
            owner, attribute = _target(module_name, name)
            original = getattr(owner, attribute)
            stack.callback(setattr, owner, attribute, original)
            setattr(owner, attribute, phases.timer(original, label))
        yield phases


def room_members(room) -> list:
    """The room's present members (their users), in the order they joined the bench's group:
    who sends, in turn, in the round trips and here."""
    from groups.models import Membership

    members = Membership.objects.filter(group=room.group, left_at=None).select_related("user")
    return [m.user for m in members.order_by("pk")]


def floor_store(number: int) -> int:
    """The floor's store (bench/floor/floor_asgi.py): one INSERT in its own transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO floor_msg (room, body) VALUES (%s, %s) RETURNING id",
            ["phases", f"bench-phases-{number}"],
        )
        return cursor.fetchone()[0]


def measure(room, senders, *, count: int, warm: int = 20) -> dict:
    """`count` sends to `room` (its members in turn), each followed by a floor store, after
    `warm` untimed pairs: {"phases": {label: [ms]}, "send": [ms], "floor": [ms]}."""
    from django.db import connection

    from messaging import services
    from messaging.consumers import _deferring
    from messaging.presentation import message_dict

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE)

    def send(number: int):
        sender = senders[number % len(senders)]

        def service(**kwargs):  # what ChatConsumer._send does
            return message_dict(
                services.message_send(conversation_id=room.pk, sender=sender, **kwargs)
            )

        token = f"bench-phases-{uuid.uuid4().hex[:16]}"
        return _deferring(service, {"body": token, "client_id": token})

    for number in range(warm):
        send(number)
        floor_store(number)
    sends, floors = [], []
    with timed_phases() as phases:
        for number in range(count):
            phases.on = True
            start = time.perf_counter()
            _message, frames = send(number)
            middle = time.perf_counter()
            phases.on = False
            floor_store(number)
            end = time.perf_counter()
            if len(frames) != 1:
                raise RuntimeError(f"a send left {len(frames)} room frames, not one")
            sends.append((middle - start) * 1000)
            floors.append((end - middle) * 1000)
    missing = [label for label, times in phases.spent.items() if len(times) < count]
    if missing:
        raise RuntimeError(f"no send went through: {', '.join(missing)}")
    return {"phases": phases.spent, "send": sends, "floor": floors}


def report(measured: dict) -> list[str]:
    """The table: each phase's median and mean, then the whole send and the floor's store."""
    lines = [f"{'phase':<20}{'median ms':>10}{'mean ms':>9}  what it keeps"]
    for label, why, *_ in PHASES:
        times = measured["phases"][label]
        lines.append(
            f"{label:<20}{statistics.median(times):>10.2f}{statistics.fmean(times):>9.2f}  {why}"
        )
    named = sum(statistics.fmean(t) for t in measured["phases"].values())
    send, floor = measured["send"], measured["floor"]
    lines.append(
        f"{'rest of the send':<20}{'':>10}{statistics.fmean(send) - named:>9.2f}  "
        "the thread's own Python: body checks, the message's fields, its dict"
    )
    lines.append(
        f"{'whole send':<20}{statistics.median(send):>10.2f}{statistics.fmean(send):>9.2f}"
        "  the consumer's call on the database thread, all of the above"
    )
    lines.append(
        f"{'floor store':<20}{statistics.median(floor):>10.2f}{statistics.fmean(floor):>9.2f}"
        "  one INSERT in its own transaction"
    )
    return lines


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    count = int(argv[0]) if argv else 300
    import django

    django.setup()
    from messaging.models import Conversation

    room = Conversation.objects.get(kind=Conversation.Kind.ROOM)
    measured = measure(room, room_members(room), count=count)
    print(f"phases    {count} sends, each followed by the floor's store, one process")
    for line in report(measured):
        print(f"phases    {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
