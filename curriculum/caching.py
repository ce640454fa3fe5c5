"""Page caching where it is safe: only for anonymous visitors, whose pages are the same for
everyone. A logged-in learner's lesson page shows their own progress, so it is never cached.

The cache key carries the page's live revision, so publishing a new revision is seen at once.
Django's cache machinery (cache_page) also refuses to store a response that sets a cookie for a
cookie-less request and varies on Cookie, so a CSRF token is never shared between visitors.
"""

from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_page

ANONYMOUS_SECONDS = 300


def serve_cached_for_anonymous(page, serve, request, *args, **kwargs):
    if request.method == "GET" and not request.user.is_authenticated:
        key_prefix = f"curriculum.page.{page.pk}.{page.live_revision_id}"

        def view(request):
            return serve(request, *args, **kwargs)

        return cache_page(ANONYMOUS_SECONDS, key_prefix=key_prefix)(view)(request)
    response = serve(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response
