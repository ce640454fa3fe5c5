"""The per-user limit on chat sends, counted in the shared cache so it holds across sockets and
web processes: at most SEND_LIMIT messages in any SEND_WINDOW seconds. A sliding-window counter
(this window's count plus the previous window's, weighted by how much of it still overlaps), so
a burst that straddles a window boundary is not let through twice."""

import time

from django.conf import settings
from django.core.cache import cache, caches

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
    key, previous_key = (
        f"messaging:rate:{user_id}:{current}",
        f"messaging:rate:{user_id}:{current - 1}",
    )
    counted = _count_in_redis(key, previous_key, window * 2)
    if counted is None:
        count = _count(key, window * 2)
        previous = cache.get(previous_key) or 0
    else:
        count, previous = counted
    overlap = 1 - (now % window) / window
    return count + previous * overlap <= limit


def _count_in_redis(key: str, previous_key: str, ttl: int) -> tuple[int, int] | None:
    """_count() and the previous window's get, in one round trip to Redis (a pipeline of the
    same three commands: SET NX with the expiry, INCR, GET) instead of three, on every send.
    None when the cache is not django-redis (the in-process cache of development and tests)."""
    try:
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover - django-redis is a dependency
        return None
    backend = caches["default"]  # `cache` is a proxy: isinstance() would not see through it
    if not isinstance(backend, RedisCache):
        return None
    import redis

    keys = backend.client.make_key(key), backend.client.make_key(previous_key)
    try:
        pipe = backend.client.get_client(write=True).pipeline(transaction=False)
        pipe.set(keys[0], 0, ex=ttl, nx=True)
        pipe.incr(keys[0])
        pipe.get(keys[1])
        _added, count, previous = pipe.execute()
    except (redis.RedisError, OSError):
        # As the cache does while Redis is away (IGNORE_EXCEPTIONS): nothing is counted, and
        # sends go through; a chat that stops while Redis restarts is worse than a flood.
        return 0, 0
    return int(count or 0), int(previous or 0)
