"""Writing the figures: count them again (compute/) and store what differs. Every path in here
recomputes from the source rows, never adds or subtracts, so running it twice, late, or after a
lost announcement gives the same figures; how many stored cells it had to change is the drift."""

import logging
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dashboards import caching
from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, counters
from dashboards.models import MonthFigure

logger = logging.getLogger(__name__)


@dataclass
class Recompute:
    """What one recompute did: cells changed per counter (created, changed or removed)."""

    changed: dict[str, int] = field(default_factory=dict)
    months: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def history_months() -> int:
    """How many months the nightly recompute counts again (the trend shows twelve)."""
    return getattr(settings, "DASHBOARDS_HISTORY_MONTHS", 24)


def figures_recompute(
    *,
    months: list[date],
    regions: set[int] | None = None,
    names: set[str] | None = None,
    backfill: bool = False,
) -> Recompute:
    """Count the figures of `months` again (of `regions` only, where a counter can be limited)
    and store what differs.

    Flows are counted for every month given. States only for the current month, which is the
    only one whose state the records tell; with `backfill`, also for a past month that has no
    state figures at all yet (worked out from the records' dates, see compute/)."""
    started = time.perf_counter()
    context = Context()
    current = m.this_month()
    months = sorted(set(months))
    result = Recompute(months=len(months))
    for counter in counters():
        if names is not None and counter.name not in names:
            continue
        run = months
        if counter.state:
            run = [month for month in months if month == current]
            if backfill:
                run += _months_without(counter, [mo for mo in months if mo < current])
        if not run:
            continue
        scope = regions if counter.scoped else None
        cells = counter.count(context, sorted(run), scope)
        result.changed[counter.name] = _store(counter, sorted(run), scope, cells)
    result.seconds = time.perf_counter() - started
    return result


def figures_recompute_recent(*, regions=None, names=None) -> Recompute:
    """The current and the previous month: what the beat task and the announcements keep up."""
    current = m.this_month()
    return figures_recompute(
        months=[m.add_months(current, -1), current], regions=regions, names=names
    )


def figures_recompute_all() -> Recompute:
    """Every month of the history, everywhere, filling past states that are missing; the
    nightly check. Logs the drift it repaired (not on the first fill of an empty table)."""
    first_fill = not MonthFigure.objects.exists()
    months = m.months_ending(m.this_month(), history_months())
    result = figures_recompute(months=months, backfill=True)
    if result.total and not first_fill:
        logger.warning(
            "dashboards: repaired %s figure cells that had drifted: %s",
            result.total,
            {name: n for name, n in result.changed.items() if n},
        )
    return result


def _owned(counter: Counter) -> Q:
    owned = Q(key__in=counter.keys)
    if counter.prefix:
        owned |= Q(key__startswith=counter.prefix)
    return owned


def _months_without(counter: Counter, months: list[date]) -> list[date]:
    have = set(
        MonthFigure.objects.filter(_owned(counter), month__in=months)
        .values_list("month", flat=True)
        .distinct()
    )
    return [month for month in months if month not in have]


def _store(counter: Counter, months: list[date], regions, cells: Cells) -> int:
    """Make the stored figures of `counter` for `months` (and `regions`) equal `cells`; returns
    how many cells changed. Zeros are not stored."""
    stored = MonthFigure.objects.filter(_owned(counter), month__in=months)
    if regions is not None:
        stored = stored.filter(region_id__in=regions)
    wanted = {cell: value for cell, value in cells.items() if value}
    with transaction.atomic():
        have = {
            (region, month, key): (pk, value)
            for pk, region, month, key, value in stored.values_list(
                "pk", "region_id", "month", "key", "value"
            ).iterator(chunk_size=5000)
        }
        gone = [pk for cell, (pk, _value) in have.items() if cell not in wanted]
        differ = [
            cell for cell, value in wanted.items() if cell not in have or have[cell][1] != value
        ]
        now = timezone.now()
        MonthFigure.objects.bulk_create(
            (
                MonthFigure(region_id=r, month=mo, key=k, value=wanted[(r, mo, k)], updated_at=now)
                for r, mo, k in differ
            ),
            batch_size=2000,
            # Upsert: an announcement's recompute and beat's may meet on one cell.
            update_conflicts=True,
            unique_fields=["region", "month", "key"],
            update_fields=["value", "updated_at"],
        )
        for start in range(0, len(gone), 2000):
            MonthFigure.objects.filter(pk__in=gone[start : start + 2000]).delete()
        if differ or gone:
            # Cached pages are stale: now, for whoever reads inside this transaction (an outer
            # one held by the caller, as in tests), and again after the commit, so that a page
            # read meanwhile from the figures before it is not kept under the new generation.
            caching.figures_changed()
            transaction.on_commit(caching.figures_changed, robust=True)
    return len(differ) + len(gone)
