"""The app's token on the portal's sockets (/ws/chat/<id>/, /ws/notifications/).

A phone app has no session cookie: it opens the socket with the session token it got from the
headless login, either as the query `?token=<token>` or, kept out of access logs, as the
WebSocket subprotocol `session-token.<token>` (the handshake then answers with that same
subprotocol, as browsers require). The token is resolved by allauth headless's own token strategy
(settings.HEADLESS_TOKEN_STRATEGY, as api.auth for HTTP), so a token that logged out or expired is
nobody: the consumers then close the socket with 4403, as for anyone not signed in.

portal.asgi names this middleware by a setting (WEBSOCKET_TOKEN_AUTH) and imports it by string:
portal is the lowest layer and never imports api. It receives the browser stack (Origin check,
then the session cookie) and the bare routes:
- a handshake that carries a token goes to the routes with the token's user only: the cookie is
  never read, so a foreign page learns nothing it did not hold already (the Origin check defends
  the ambient cookie, and a native app sends no Origin);
- any other handshake goes through the browser stack unchanged.
"""

from urllib.parse import parse_qs

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

PROTOCOL_PREFIX = "session-token."
# A session key is 32 characters; anything far longer is not a token.
MAX_TOKEN = 128


def token_of(scope) -> tuple[str | None, str | None]:
    """(token, subprotocol to answer with) from the handshake, or (None, None)."""
    for protocol in scope.get("subprotocols") or []:
        if protocol.startswith(PROTOCOL_PREFIX):
            return protocol.removeprefix(PROTOCOL_PREFIX)[:MAX_TOKEN], protocol
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("token")
    if values:
        return values[0][:MAX_TOKEN], None
    return None, None


@database_sync_to_async
def user_of(token: str):
    """The token's user, or AnonymousUser for an unknown, logged-out or expired token."""
    result = authenticate_by_x_session_token(token) if token else None
    if result is None or result.user is None:
        return AnonymousUser()
    return result.user


class TokenSocketAuth:
    """ASGI middleware: a socket opened with the app's token runs as the token's user."""

    def __init__(self, browser_app, routes):
        self.browser_app = browser_app
        self.routes = routes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.browser_app(scope, receive, send)
        token, protocol = token_of(scope)
        if token is None:
            return await self.browser_app(scope, receive, send)
        # No cookie and no session reach the consumer: the token alone says who this is.
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"cookie"]
        scope = {**scope, "headers": headers, "user": await user_of(token)}
        scope.pop("session", None)
        if protocol is not None:
            send = _answering_with(protocol, send)
        return await self.routes(scope, receive, send)


def _answering_with(protocol: str, send):
    """Accept the handshake with the subprotocol the client offered (the consumers accept
    without one, and a browser drops a socket whose offered protocol is not answered)."""

    async def wrapped(message):
        if message.get("type") == "websocket.accept" and not message.get("subprotocol"):
            message = {**message, "subprotocol": protocol}
        await send(message)

    return wrapped
