"""Change announcements: how a service below tells the apps above that objects changed
(DESIGN.md, "Layers" and "How data flows").

A service calls `announce(...)` inside its transaction, naming what changed by model label
("groups.CorrectionGroup"), ids, and short words for what about them changed ("members",
"vetting"). Nothing happens until the transaction commits; then every subscriber gets ONE call
with everything the transaction announced, merged (one announcement per transaction, batched).
A rolled-back transaction, or a rolled-back savepoint, announces nothing of what it held.

Apps above subscribe in their `AppConfig.ready` (search indexes, matching refreshes, ...), so
the writers import none of them. A failing subscriber is logged and the others still run: a
committed action never turns into an error because of a side effect, and the nightly
consistency checks repair what a subscriber could not do (the broker being down, say).

The words of `what`, by label (a subscriber filters on them; add a new word here first):
  groups.CorrectionGroup       created, updated, members, closed, reopened; stage (the calendar
                               moved it to the stage its dates call for), end_due (it reached
                               its planned end date open: its lead and coordinators are reminded)
  portal.User                  left (the account was ended and anonymised)
  volunteers.VolunteerProfile  created, updated, vetting, clearance, left
  volunteers.Activity          created, updated, cancelled
  partners.Organisation        created, updated, verification
  partners.JobPlacement, partners.Programme   created, updated, status
  curriculum lesson pages      published, unpublished, deleted

How the batching avoids Django's private transaction internals: each announcement registers its
own `on_commit` ticket and the pending changes hold only weak references to the tickets. Django
drops the tickets of a rolled-back savepoint together with its callbacks, so their changes are
skipped; at commit the first ticket to run delivers every change whose ticket is still
registered, and the tickets after it find nothing left to do.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction

logger = logging.getLogger(__name__)


@dataclass
class Changes:
    """What one transaction changed: model label -> {id: {what, ...}}."""

    by_label: dict[str, dict[int, set[str]]] = field(default_factory=dict)

    def add(self, label: str, ids: Iterable[int], what: Iterable[str]) -> None:
        rows = self.by_label.setdefault(label, {})
        for pk in ids:
            rows.setdefault(int(pk), set()).update(what)

    def ids(self, label: str, *, what: Iterable[str] | None = None) -> list[int]:
        """Ids of `label` that changed (only those where any of `what` changed, if given)."""
        rows = self.by_label.get(label, {})
        if what is None:
            return sorted(rows)
        wanted = set(what)
        return sorted(pk for pk, words in rows.items() if words & wanted)

    def only(self, labels: Iterable[str]) -> Changes:
        """A copy holding only `labels`: one subscriber cannot alter what the next one hears."""
        labels = set(labels)
        return Changes(
            {
                label: {pk: set(what) for pk, what in rows.items()}
                for label, rows in self.by_label.items()
                if label in labels
            }
        )

    def __bool__(self) -> bool:
        return any(self.by_label.values())


Handler = Callable[[Changes], None]


@dataclass(frozen=True)
class _Subscription:
    labels: frozenset[str]
    handler: Handler
    name: str


_subscriptions: list[_Subscription] = []


def subscribe(labels: str | Iterable[str], handler: Handler, *, name: str | None = None) -> None:
    """Call `handler(changes)` after each commit that changed any of `labels`.

    Called from an `AppConfig.ready`; subscribing the same name twice replaces the first
    (ready() may run again in tests)."""
    labels = frozenset([labels] if isinstance(labels, str) else labels)
    name = name or f"{handler.__module__}.{handler.__qualname__}"
    _subscriptions[:] = [s for s in _subscriptions if s.name != name]
    _subscriptions.append(_Subscription(labels, handler, name))


def subscribers() -> list[str]:
    return [s.name for s in _subscriptions]


class _Ticket:
    """One announcement's place in the commit; alive while Django still holds its callback."""

    def run(self) -> None:
        _flush(self)


_local = threading.local()


def _pending() -> list:
    if not hasattr(_local, "pending"):
        _local.pending = []
    return _local.pending


def announce(label_or_objects, ids: Iterable[int] | None = None, *, what: Iterable[str] = ()):
    """Announce, after commit, that these objects changed.

    `announce(group, what={"members"})`, `announce([job, job2], what=...)` or
    `announce("volunteers.VolunteerProfile", [1, 2], what={"vetting"})`.
    """
    label, ids = _label_and_ids(label_or_objects, ids)
    if not ids:
        return
    # what="members" means one word, not the set of its letters.
    change = (label, tuple(ids), frozenset([what] if isinstance(what, str) else what))
    if not transaction.get_connection().in_atomic_block:
        _deliver([change])
        return
    ticket = _Ticket()
    pending = _pending()
    pending[:] = [entry for entry in pending if entry[0]() is not None]  # rolled back: gone
    pending.append((weakref.ref(ticket), change))
    # robust: a subscriber's failure must not undo or fail the committed action.
    transaction.on_commit(ticket.run, robust=True)


def _label_and_ids(label_or_objects, ids) -> tuple[str, list[int]]:
    """The label and ids, checked now: a mistake found after commit would be only a log line,
    and would lose the whole transaction's announcements with it."""
    if isinstance(label_or_objects, str):
        return label_or_objects, [int(i) for i in (ids or ())]
    objects = (
        [label_or_objects] if isinstance(label_or_objects, models.Model) else list(label_or_objects)
    )
    if not objects:
        return "", []
    labels = {o._meta.label for o in objects}
    if len(labels) > 1:
        raise ValueError(f"announce one model at a time, not {sorted(labels)}")
    if any(o.pk is None for o in objects):
        raise ValueError("announce saved objects only (one has no primary key yet)")
    return labels.pop(), [int(o.pk) for o in objects]


def _flush(ticket: _Ticket) -> None:
    """Deliver this ticket's change and every later one still registered.

    Django runs commit callbacks in the order they were registered, so a change announced
    before this ticket and still pending was not part of this commit (a test's outer
    transaction around a captured block, say): it stays for its own commit."""
    pending = _pending()
    start = next((i for i, (ref, _) in enumerate(pending) if ref() is ticket), None)
    if start is None:  # an earlier ticket of the same commit delivered it already
        return
    alive = [change for ref, change in pending[start:] if ref() is not None]
    pending[start:] = []
    _deliver(alive)


def _deliver(changes: list[tuple[str, tuple[int, ...], frozenset[str]]]) -> None:
    batch = Changes()
    for label, ids, what in changes:
        batch.add(label, ids, what)
    for sub in list(_subscriptions):
        part = batch.only(sub.labels)
        if not part:
            continue
        try:
            sub.handler(part)
        except Exception:  # noqa: BLE001 - one subscriber's failure never stops the others
            logger.exception("change subscriber %s failed; the nightly checks repair it", sub.name)
