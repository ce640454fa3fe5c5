"""The rendered body of a dashboard page, cached: at province scale the figures, their twelve
months and the child regions cost tens of milliseconds of queries and a thousand table cells to
render, and they are the same for everyone who may see the region.

Never across permissions: the view checks the reader's right to the region on every request,
before it looks in the cache, and the body holds nothing of the reader (no name, no form token).
A body is read only for the same region, month, sort and language, rendered in the same
current month (the picker's upper bound and the "next month" link) at the current generation of
the figures and of the curriculum (the lesson titles of "by theme and series").

The figures' generation is raised after every commit that changed a stored figure
(services._store, whatever asked for it: an announced change, beat's recompute of recent months
or the nightly one), so a page shows new figures as soon as they are stored. What no generation
follows (a region renamed by an import) shows within TIMEOUT seconds.
"""

from django.utils import translation

from curriculum import caching as curriculum_caching
from dashboards import months as m
from portal.page_cache import Generation, keep_stamped, read_stamped

TIMEOUT = 300
GENERATION_KEY = "dashboards.figures.generation"
GENERATION = Generation(GENERATION_KEY)
figures_changed = GENERATION.bump  # every cached body is stale: a recompute changed a figure


def read(region, month, sort: str, descending: bool) -> tuple[str | None, tuple | None]:
    """(the body cached for this page, or None; where to keep a body rendered now, or None
    when the cache cannot tell). One round trip: the body is kept under a key of its page alone,
    with the generations it was rendered at, and read only if they are still the current ones
    (a newer body overwrites an older one instead of piling up beside it until it expires)."""
    key = f"dashboards.body.{region.pk}.{month:%Y%m}.{sort}.{int(descending)}"
    key += f".{translation.get_language()}"
    figures, found = GENERATION.read_with(key, curriculum_caching.GENERATION_KEY)
    if figures is None:  # Redis away: render, keep nothing
        return None, None
    stamp = (figures, found.get(curriculum_caching.GENERATION_KEY, 0), f"{m.this_month():%Y%m}")
    return read_stamped(key, stamp, found)


def keep(slot: tuple | None, body: str) -> None:
    keep_stamped(slot, str(body), TIMEOUT)
