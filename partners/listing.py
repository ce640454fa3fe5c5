"""The public job and programme lists, rendered once and served from the cache (#20).

At province scale a list page counted thousands of open postings, rendered its filter form
(every region and industry as an option) and twenty cards, the same for every visitor: most of
its time. Its body (everything under the site's header: the form, the count, the cards and the
page links) is now kept in the shared cache and read back while nothing it shows has changed.

Never across permissions: the lists are public and the body holds nothing of the reader (no
name, no form token, a GET form). Searches with the keyword box are not cached (the site
search answers them for the reader). A body is read only for the same kind, language and query
string (the page links repeat it), on the same day (a posting opens and closes by date), at the
current generation, a number raised whenever a posting, an organisation, a posting's places or
the regions and industries of the form change: at once (model signals) and again after the
commit (portal.changes), so that a page rendered from the rows just before the commit is not
kept under the new number. What no signal sees (an update() outside the services) shows within
TIMEOUT seconds.
"""

import hashlib
import time

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

TIMEOUT = 300
GENERATION_KEY = "partners.lists.generation"
# The query-string parameters a cached body may carry, by list (the keyword box is not cached).
CACHEABLE = {
    "job": {"region", "industry", "salary", "type", "page"},
    "programme": {"region", "kind", "page"},
}


def _fresh() -> int:
    # Milliseconds: a generation lost with Redis comes back larger than any it had before.
    return int(time.time() * 1000)


def changed(**_kwargs) -> None:
    """Every cached list body is stale (a signal receiver and a changes subscriber too)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there: any value larger than before will do
        cache.set(GENERATION_KEY, _fresh(), timeout=None)


def read(request, kind: str) -> tuple[str | None, tuple | None]:
    """(the body cached for this list page, or None; where to keep a body rendered now, or None
    when it may not be kept). One round trip to the cache."""
    params = request.GET
    if not set(params) <= CACHEABLE[kind] or any(
        len(values) > 1 for _name, values in params.lists()
    ):
        return None, None
    query = request.META.get("QUERY_STRING", "")
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    key = f"partners.list.{kind}.{translation.get_language()}.{digest}"
    found = cache.get_many([key, GENERATION_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # add, not set: two first readers must not each start a generation of their own.
        cache.add(GENERATION_KEY, _fresh(), timeout=None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # the cache is away: render, keep nothing
            return None, None
    stamp = (generation, timezone.localdate().isoformat(), query)
    cached = found.get(key)
    if cached is not None and cached[0] == stamp:
        # Our own rendering (escaped when rendered), kept as a plain string.
        return mark_safe(cached[1]), None  # noqa: S308
    return None, (key, stamp)


def keep(slot: tuple | None, body: str) -> None:
    if slot is not None:
        key, stamp = slot
        cache.set(key, (stamp, str(body)), TIMEOUT)


def connect() -> None:
    """Raise the generation whenever what a list shows changes (from PartnersConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from partners.models import JobPlacement, Organisation, Programme
    from portal.changes import subscribe
    from portal.models import Industry, Region

    for model in (JobPlacement, Programme, Organisation, Industry, Region):
        for signal in (post_save, post_delete):
            signal.connect(
                changed, sender=model, weak=False, dispatch_uid=f"partners.lists.{model.__name__}"
            )
    for through in (JobPlacement.work_locations.through, Programme.regions.through):
        m2m_changed.connect(
            changed, sender=through, weak=False, dispatch_uid=f"partners.lists.{through.__name__}"
        )
    subscribe(
        ("partners.JobPlacement", "partners.Programme", "partners.Organisation"),
        lambda _changes: changed(),
        name="partners.lists",
    )
