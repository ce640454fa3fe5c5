"""Whole-page caching where it is safe: GET requests of anonymous visitors only, whose pages are
the same for everyone. A signed-in person's page shows their own name, menu and progress, so it
is never cached (and says so to the browser).

A cached page's key carries a generation, a number the site's publishing raises (Wagtail's
publish, unpublish and slug signals), so an edit reaches visitors at once; the time limit covers
what changes without a publish (the home page's figures, the month's theme). Django's cache
machinery (cache_page) varies on Cookie and on the language and refuses to store a response that
sets a cookie for a cookie-less request, so a CSRF token or a flashed message is never shared.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_page


def _fresh() -> int:
    # Milliseconds: a generation lost with the cache (a restart, an eviction) comes back larger
    # than any value it had before, so nothing kept under an older one is read again.
    return int(time.time() * 1000)


class Generation:
    """A number in the shared cache that only goes up; every server process reads the same.
    Whatever is cached under it is stale once it has moved."""

    def __init__(self, key: str):
        self.key = key

    def value(self) -> int:
        value, _found = self.read_with()
        return value if value is not None else _fresh()  # the cache away: nothing matches

    def read_with(self, *keys: str) -> tuple[int | None, dict]:
        """The generation and whatever of `keys` the cache holds, in one round trip; None for
        the generation when the cache is away."""
        found = cache.get_many([*keys, self.key])
        value = found.get(self.key)
        if value is None:
            cache.add(self.key, _fresh(), timeout=None)  # add: two first readers agree
            value = cache.get(self.key)
        return value, found

    def bump(self, **kwargs) -> None:
        """Everything cached under this generation is stale (a signal receiver, too)."""
        try:
            cache.incr(self.key)
        except ValueError:  # not there (evicted, or a fresh cache): a larger value will do
            cache.set(self.key, _fresh(), timeout=None)

    def changed(self, **kwargs) -> None:
        """A write: stale at once (this connection's later reads see it) and again when the
        transaction commits (another connection may have cached the old rows in between)."""
        self.bump()
        transaction.on_commit(self.bump, robust=True)


def raise_on_writes(generation: Generation, uid: str, *, models=(), throughs=(), when=None) -> None:
    """Raise `generation` (Generation.changed: at once and after the commit) whenever a row of
    one of `models` is saved or deleted, or a link of one of the many-to-many `throughs` is
    added or removed. `when` maps a model to a test of a save's `update_fields` (a set): a save
    naming only fields that do not pass it (a sign-in's last_login, say) raises nothing."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    when = when or {}

    def saved(sender, update_fields=None, **kwargs) -> None:
        test = when.get(sender)
        if test is None or update_fields is None or test(frozenset(update_fields)):
            generation.changed()

    def deleted(sender, **kwargs) -> None:
        generation.changed()

    def linked(sender, action, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            generation.changed()

    for model in models:
        label = model._meta.label
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}.{label}.save")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}.{label}.del")
    for through in throughs:
        label = through._meta.label
        m2m_changed.connect(linked, sender=through, weak=False, dispatch_uid=f"{uid}.{label}")


def read_stamped(key: str, stamp: tuple, found: dict):
    """(the value kept under `key` if it was kept at `stamp`, else None; where to keep one
    made now). A value (a rendered body, a summary) is kept under a key of its own alone with
    the stamp it was made at (its generations), so a newer one overwrites an older one instead
    of piling up."""
    cached = found.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1], None
    return None, (key, stamp)


def keep_stamped(slot: tuple | None, value, seconds: int) -> None:
    if slot is not None:
        key, stamp = slot
        cache.set(key, (stamp, value), seconds)


# While one request works a value out, the others asking for the same wait for it (polling)
# rather than work it out too: eight requests at once for a province's figures, a broad search
# or a county's suggestions would share the processor eight ways, and each take eight times as
# long (a coordinator's search 就业 at province scale: 55 ms alone, about 1 s for all eight).
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.02


def work_out_once(making: str, keys: list[str], read, work_out):
    """`work_out()`, which keeps its value where `read` finds it, unless another request is
    already working the same out (it holds the key `making`): then that one's value, read by
    `read(cache.get_many(keys))` once it is kept. Worked out here after all when that request
    gave up (it failed, or kept nothing) or after WAIT_SECONDS."""
    if not cache.add(making, 1, timeout=int(WAIT_SECONDS) + 25):
        value = _wait_for(making, keys, read)
        if value is not None:
            return value
    try:
        return work_out()
    finally:
        cache.delete(making)


def kept_once(key: str, generation, stamp: tuple, found: dict, seconds: int, compute):
    """The value kept under `key` at `stamp` (`found`: what the cache gave for `key`, read with
    the generation), else `compute()`, kept there for `seconds` and worked out by one request
    at a time (work_out_once). With the cache away (`generation` None) nothing is kept."""
    value, slot = read_stamped(key, stamp, found)
    if value is not None:
        return value
    if generation is None:
        return compute()

    def work_out():
        value = compute()
        keep_stamped(slot, value, seconds)
        return value

    return work_out_once(
        f"{key}.making.{generation}", [key], lambda found: read_stamped(key, stamp, found)[0],
        work_out,
    )  # fmt: skip


def _wait_for(making: str, keys: list[str], read):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get_many([*keys, making])
        value = read(found)
        if value is not None or making not in found:
            return value
    return None


SITE = Generation("portal.pages.generation")


def connect(generation: Generation, uid: str) -> None:
    """Raise `generation` whenever a page is published, unpublished or moves."""
    from wagtail.signals import page_published, page_slug_changed, page_unpublished

    for signal in (page_published, page_unpublished, page_slug_changed):
        signal.connect(generation.bump, dispatch_uid=f"{uid}.{id(signal)}", weak=False)


def serve_cached_for_anonymous(page, serve, request, *args, generation, seconds, **kwargs):
    """Wagtail's `serve` of `page`; from the cache for an anonymous GET (`seconds`, 0: never)."""
    return cached_for_anonymous(
        f"page.{page.pk}", serve, request, *args, generation=generation, seconds=seconds, **kwargs
    )


def cached_for_anonymous(name: str, view, request, *args, generation, seconds, **kwargs):
    """`view`'s response, from the cache for anonymous GETs (per `name`, URL with its query,
    language and generation), rendered and never cached for anyone else."""
    anonymous_get = request.method == "GET" and not request.user.is_authenticated
    if anonymous_get and seconds:
        key_prefix = f"{generation.key}.{name}.{generation.value()}"

        def bound(request):
            return view(request, *args, **kwargs)

        return cache_page(seconds, key_prefix=key_prefix)(bound)(request)
    response = view(request, *args, **kwargs)
    if not anonymous_get:  # (a visitor's page with the cache off may still be cached downstream)
        add_never_cache_headers(response)
    return response
