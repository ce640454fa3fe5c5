"""Who is calling: the mobile app with allauth's headless session token (X-Session-Token, from
/_allauth/app/v1/auth/login), or a page of our own origin with the browser's session cookie."""

from allauth.headless.contrib.ninja.security import x_session_token_auth
from django.conf import settings
from ninja.security import APIKeyCookie, APIKeyHeader


class SessionToken(APIKeyHeader):
    """allauth's app token. Declared as an API-key header so the schema names the header."""

    param_name = "X-Session-Token"

    def authenticate(self, request, key):
        # allauth's own class reads the header again, resolves the session and sets request.user.
        return x_session_token_auth(request) if key else None


class BrowserSession(APIKeyCookie):
    """The session cookie of a page on this site, with Django's CSRF check for writes. Only a
    signed-in session is checked for CSRF: an anonymous write is answered 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if key and request.user.is_authenticated else None


session_token = SessionToken()
browser_session = BrowserSession()
# Token first: a request carrying one never needs the cookie (nor CSRF, as no cookie is read).
AUTH = [session_token, browser_session]
