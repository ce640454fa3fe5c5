from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from portal.context import origin


class LanguageMiddleware:
    """Simplified Chinese unless the visitor chose otherwise with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on many
    government PCs is English; the portal speaks Chinese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestContextMiddleware:
    """Records where the request came from for audit rows written while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # REMOTE_ADDR is the peer; behind the load balancer uvicorn's --proxy-headers sets it
        # from X-Forwarded-For for trusted proxies only.
        with origin(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header with the portal's policy (settings.CONTENT_SECURITY_POLICY: only our
    own scripts run), relaxed for Wagtail's admin alone, whose date pickers and inline panels
    are inline scripts and whose image choosers show data: and blob: pictures."""

    ADMIN_PREFIX = "/admin/"
    ADMIN_RELAXATIONS = {"script-src": [UNSAFE_INLINE], "img-src": ["blob:"]}

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.ADMIN_PREFIX):
            parts.update = {**(parts.update or {}), **self.ADMIN_RELAXATIONS}
        return parts


class PrivatePagesMiddleware:
    """Whatever is shown to someone signed in (a group, a chat, a dashboard, the staff pages) is
    theirs: never kept by the browser's cache or a proxy, so the back button on a shared
    computer after logging out shows nothing. Pages for anonymous visitors keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A response that never read the session cannot depend on who is signed in (the user is
        # loaded from it); asking now would read the database for nothing, and fail the health
        # probes with a 500 while the database is down instead of their own 503.
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
