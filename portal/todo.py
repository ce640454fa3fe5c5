"""The to-dos on a person's home page (/me/), gathered from every app without importing any.

Each app may have a `todos.py` with `items(user, roles) -> [Todo]` (portal.registry). An item
is a count and a link to the list where the work is done; each app reads its items in a fixed
number of queries, whatever the amount of data, so the home page stays as fast at provincial
scale as in the demo.
"""

from dataclasses import dataclass, field

from portal.registry import app_modules


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
