"""Which pages may open a socket: the portal's own, by scheme, host and port.

A socket carries the session cookie whoever's page opens it, so a foreign page could talk on a
user's behalf (cross-site WebSocket hijacking); the Origin header is the only defence. Channels'
AllowedHostsOriginValidator compares the host alone, so any port of an allowed host passed.
Here the Origin must be either a configured public origin (CSRF_TRUSTED_ORIGINS and
WAGTAILADMIN_BASE_URL: what the address is behind a TLS-terminating proxy), or exactly the
origin the socket was opened on (its scheme and Host header) with an allowed host.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}
PAGE_SCHEME = {"ws": "http", "wss": "https"}


def _origin(text: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) origin, the port made explicit; None otherwise."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def configured_origins() -> set[tuple[str, str, int]]:
    listed = [*settings.CSRF_TRUSTED_ORIGINS, settings.WAGTAILADMIN_BASE_URL]
    return {origin for origin in map(_origin, listed) if origin}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin1")
    return None


def allowed(scope) -> bool:
    origin = _origin(_header(scope, b"origin") or "")
    if origin is None:
        return False
    if origin in configured_origins():
        return True
    scheme = PAGE_SCHEME.get(scope.get("scheme", "ws"), "http")
    host_header = _header(scope, b"host")
    if host_header is None:
        # In-process clients (tests) send no Host: the origin's host must be allowed and on
        # the scheme's own port.
        own = (scheme, origin[1], DEFAULT_PORTS[scheme])
    else:
        domain, port = split_domain_port(host_header.lower())
        own = (scheme, domain, int(port) if port else DEFAULT_PORTS[scheme])
    return origin == own and validate_host(origin[1], settings.ALLOWED_HOSTS)


class SameOriginValidator:
    """ASGI middleware: a WebSocket handshake from any other origin is refused (HTTP 403)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
