"""The per-user limit on chat sends, counted in the shared cache so it holds across sockets and
web processes: at most SEND_LIMIT messages in any SEND_WINDOW seconds. A sliding-window counter
(this window's count plus the previous window's, weighted by how much of it still overlaps), so
a burst that straddles a window boundary is not let through twice."""

import time

from django.conf import settings
from django.core.cache import cache

# A person types, at most, a message every second or two; a flood is a script or a stuck key.
SEND_LIMIT, SEND_WINDOW = getattr(settings, "MESSAGING_SEND_RATE", (20, 10))


def _count(key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        # None when Redis is away (the cache ignores its errors): nothing is counted then, and
        # sends go through; a chat that stops while Redis restarts is worse than a flood.
        return cache.incr(key) or 0
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)
        return 1


def allow_send(user_id: int, *, limit: int | None = None, window: int | None = None) -> bool:
    """Count one send for the user; False once the allowance is used up (refused sends count
    too, so a client that keeps hammering stays refused)."""
    limit = limit or SEND_LIMIT
    window = window or SEND_WINDOW
    now = time.time()
    current = int(now // window)
    count = _count(f"messaging:rate:{user_id}:{current}", window * 2)
    previous = cache.get(f"messaging:rate:{user_id}:{current - 1}") or 0
    overlap = 1 - (now % window) / window
    return count + previous * overlap <= limit
