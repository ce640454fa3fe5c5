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

from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from portal.page_cache import Generation, keep_stamped, raise_on_writes, read_stamped

TIMEOUT = 300
GENERATION_KEY = "partners.lists.generation"
# The query-string parameters a cached body may carry, by list (the keyword box is not cached).
CACHEABLE = {
    "job": {"region", "industry", "salary", "type", "page"},
    "programme": {"region", "kind", "page"},
}
# Raised by every save of what the lists show (and by the change announcements).
GENERATION = Generation(GENERATION_KEY)
changed = GENERATION.bump


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
    generation, found = GENERATION.read_with(key)
    if generation is None:  # the cache is away: render, keep nothing
        return None, None
    body, slot = read_stamped(key, (generation, timezone.localdate().isoformat(), query), found)
    # Our own rendering (escaped when rendered), kept as a plain string.
    return (mark_safe(body) if body is not None else None), slot  # noqa: S308


def keep(slot: tuple | None, body: str) -> None:
    keep_stamped(slot, str(body), TIMEOUT)


def connect() -> None:
    """Raise the generation whenever what a list shows changes (from PartnersConfig.ready)."""
    from partners.models import JobPlacement, Organisation, Programme
    from portal.changes import subscribe
    from portal.models import Industry, Region

    raise_on_writes(
        GENERATION,
        "partners.lists",
        models=(JobPlacement, Programme, Organisation, Industry, Region),
        throughs=(JobPlacement.work_locations.through, Programme.regions.through),
    )
    subscribe(
        ("partners.JobPlacement", "partners.Programme", "partners.Organisation"),
        lambda _changes: changed(),
        name="partners.lists",
    )
