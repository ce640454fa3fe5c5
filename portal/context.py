"""Where the current request or socket came from, for the audit log.

Services should not take a request argument just to record an IP address, so the middleware
(HTTP) and consumers (WebSocket) put it here for the duration of the call.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""


_origin: ContextVar[Origin] = ContextVar("portal_origin", default=Origin())  # noqa: B039 - frozen


def current_origin() -> Origin:
    return _origin.get()


@contextmanager
def origin(ip_address: str | None, user_agent: str = ""):
    token = _origin.set(Origin(ip_address or None, (user_agent or "")[:300]))
    try:
        yield
    finally:
        _origin.reset(token)
