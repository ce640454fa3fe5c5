"""Whole-page caching where it is safe: GET requests of anonymous visitors only, whose pages are
the same for everyone. A signed-in person's page shows their own name, menu and progress, so it
is never cached (and says so to the browser).

A cached page's key carries a generation, a number the site's publishing raises (Wagtail's
publish, unpublish and slug signals), so an edit reaches visitors at once; the time limit covers
what changes without a publish (the home page's figures, the month's theme). Django's cache
machinery (cache_page) varies on Cookie and on the language and refuses to store a response that
sets a cookie for a cookie-less request, so a CSRF token or a flashed message is never shared.
"""

from django.core.cache import cache
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_page


class Generation:
    """A number in the shared cache that only goes up; every server process reads the same."""

    def __init__(self, key: str):
        self.key = key

    def value(self) -> int:
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, 1, timeout=None)
            value = cache.get(self.key, 1)
        return value

    def bump(self, **kwargs) -> None:
        """Every page cached under this generation is stale (a signal receiver, too)."""
        try:
            cache.incr(self.key)
        except ValueError:  # not there (evicted, or a fresh cache): any new value will do
            cache.set(self.key, 2, timeout=None)


SITE = Generation("portal.pages.generation")


def connect(generation: Generation, uid: str) -> None:
    """Raise `generation` whenever a page is published, unpublished or moves."""
    from wagtail.signals import page_published, page_slug_changed, page_unpublished

    for signal in (page_published, page_unpublished, page_slug_changed):
        signal.connect(generation.bump, dispatch_uid=f"{uid}.{id(signal)}", weak=False)


def serve_cached_for_anonymous(page, serve, request, *args, generation, seconds, **kwargs):
    """Wagtail's `serve` of `page`; from the cache for an anonymous GET (`seconds`, 0: never)."""
    if seconds and request.method == "GET" and not request.user.is_authenticated:
        key_prefix = f"{generation.key}.{page.pk}.{generation.value()}"

        def view(request):
            return serve(request, *args, **kwargs)

        return cache_page(seconds, key_prefix=key_prefix)(view)(request)
    response = serve(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response
