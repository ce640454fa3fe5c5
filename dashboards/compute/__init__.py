"""How each figure is counted from the apps' own records. Each module holds the counters of one
subject; a Counter names the keys it owns and counts them for some months, everywhere or only
for some regions. services.figures_recompute writes what they count.

Two kinds of figures:
  - flows: what happened in a month (hours served, lessons completed, referrals sent). Counted
    again for any month at any time: a correction to last month's hours changes last month.
  - states: how things stood at the month's end (open groups, approved volunteers). Counted from
    the records as they stand, so only the current month is kept up to date; a past month keeps
    the figures it had when it ended. A past month that has none at all (a new installation, the
    demo) gets them worked out from the dates the records keep (created, closed, joined, left,
    approved, verified); where a record keeps no history (a group's stage, its needs, the
    regions a volunteer serves) today's value stands in.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from portal.models import Region

# (region id, month, key) -> value
Cells = dict[tuple[int, date, str], int]


@dataclass(frozen=True)
class Counter:
    name: str
    keys: tuple[str, ...]
    count: Callable[["Context", list[date], "set[int] | None"], Cells]
    state: bool = False
    # Whether count() can be limited to some regions (those the figures are counted in); a
    # counter that cannot is always run for everywhere.
    scoped: bool = True
    # Keys made up at run time (one per theme or series): every stored key with this prefix.
    prefix: str = ""


@dataclass
class Context:
    """What one recompute shares between its counters, read once."""

    now: datetime = field(default_factory=timezone.now)
    _home: dict[int, int] | None = None

    def home_regions(self) -> dict[int, int]:
        """profile id -> the region a volunteer or social worker is counted in: the smallest
        region holding every region they serve (counted once, however many they serve)."""
        if self._home is None:
            from volunteers.models import VolunteerProfile

            paths = defaultdict(list)
            for pk, path in VolunteerProfile.regions.through.objects.values_list(
                "volunteerprofile_id", "region__path"
            ).iterator(chunk_size=5000):
                paths[pk].append(path)
            region_of = dict(Region.objects.values_list("path", "pk"))
            self._home = {}
            for pk, served in paths.items():
                common = Region.common_path(served)
                if common:
                    self._home[pk] = region_of[common]
        return self._home


def month_of(value) -> date:
    """The month of a date, or of an instant in the portal's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def tally(cells: Cells, rows, key: str, months: set[date]) -> None:
    """Add (region id, month or instant, n) rows to `cells` under `key`, for `months` only."""
    for region_id, when, n in rows:
        if region_id is None or when is None or not n:
            continue
        month = month_of(when)
        if month in months:
            cells[(region_id, month, key)] = cells.get((region_id, month, key), 0) + int(n)


def counters() -> tuple[Counter, ...]:
    from dashboards.compute import activities, groups, learning, people, referrals

    return (
        *people.COUNTERS,
        *groups.COUNTERS,
        *learning.COUNTERS,
        *referrals.COUNTERS,
        *activities.COUNTERS,
    )
