"""The to-dos on a person's home page (/me/), gathered from every app without importing any.

Each app may have a `todos.py` with `items(user, roles) -> [Todo]` (portal.registry). An item
is a count and a link to the list where the work is done; each app reads its items in a fixed
number of queries, whatever the amount of data, so the home page stays as fast at provincial
scale as in the demo.

Counts that grow with a coordinator's region (groups, profiles, referrals over a province) are
counted no further than CAP + 1 rows and shown as "99+" past CAP, like the unread-messages
badge: the home page says there is work and how urgent, the list it links to gives the exact
figure. Counting 14,000 groups for a number nobody acts on cost a province coordinator's home
page some 80 ms of SQL; stopping at the hundredth row costs well under a millisecond (#20).
"""

from dataclasses import dataclass, field

from django.db.models import Func, IntegerField, QuerySet, Subquery

from portal.registry import app_modules

CAP = 99


@dataclass(frozen=True)
class Step:
    """One step of a progress line such as 填写 → 提交 → 审核中 → 通过."""

    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    count: int | None = None  # None: a next step or a progress, not a number of things
    note: str = ""  # e.g. the nearest deadline, or what is left to the next star
    steps: tuple[Step, ...] = field(default=())
    percent: int | None = None  # a progress bar, 0-100
    urgent: bool = False  # shown first and marked
    more: bool = False  # count is CAP and there are more: shown as "99+"

    @classmethod
    def counted(cls, label: str, url: str, count: int, **kwargs) -> "Todo":
        """An item whose count came from capped_count or CappedCount (more than CAP: "99+")."""
        return cls(label, url, count=min(count, CAP), more=count > CAP, **kwargs)


def capped_count(queryset: QuerySet) -> int:
    """How many rows the queryset has, counted no further than CAP + 1 (one query:
    SELECT COUNT(*) FROM (SELECT id ... LIMIT CAP + 1)), so the database stops at the 100th
    row. Only the ids are selected: a list's annotations are computed only where a filter
    needs them, and a DISTINCT compares ids, not whole rows."""
    return queryset.order_by().values("pk")[: CAP + 1].count()


class CappedCount(Func):
    """capped_count as a scalar subquery, for the items an app reads in one row of figures."""

    template = "(SELECT COUNT(*) FROM %(expressions)s AS capped)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet):
        super().__init__(Subquery(queryset.order_by().values("pk")[: CAP + 1]))


def progress_steps(labels, current: int) -> tuple[Step, ...]:
    """Steps before `current` are done, `current` is where the person is (len(labels): all
    done)."""
    return tuple(
        Step(label, "done" if i < current else "current" if i == current else "todo")
        for i, label in enumerate(labels)
    )


def todos_for(user, roles) -> list[Todo]:
    items = []
    for module in app_modules("todos"):
        items.extend(module.items(user, roles))
    # Urgent first; otherwise the apps' order (the layer order), which is stable.
    return sorted(items, key=lambda todo: not todo.urgent)
