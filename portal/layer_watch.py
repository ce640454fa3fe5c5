"""Sockets must not outlive the Redis they joined their groups in.

channels_redis keeps group memberships in Redis, and one web process reads every socket's
messages through one shared read. When Redis restarts (or is replaced), only the socket whose
turn it was to read sees the error and closes; every other socket of the process carries on
reading from the new Redis, in groups that Redis never heard of: open, answering pings, deaf.
So each web process watches the Redis it uses (its run_id, every few seconds) and closes every
open socket when that Redis goes away or comes back as another one. Browsers reconnect, rejoin
their groups and resume from the last id they saw, so nothing published meanwhile is missed.
"""

import asyncio
import logging
import weakref

from django.conf import settings

logger = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between looks; a deaf socket lasts at most about this long
# The WebSocket close code for "the server is restarting; reconnect" (RFC 6455, 7.4.1).
CLOSE_SERVICE_RESTART = 1012

_sockets: weakref.WeakSet = weakref.WeakSet()
_watchers: dict[int, asyncio.Task] = {}  # one per event loop (one loop per web process)


def register(consumer) -> None:
    """Called by every portal socket once it has joined its groups."""
    if not type(consumer.channel_layer).__module__.startswith("channels_redis"):
        return  # the in-memory layer lives and dies with the process
    _sockets.add(consumer)
    loop = asyncio.get_running_loop()
    task = _watchers.get(id(loop))
    if task is None or task.done() or task.get_loop() is not loop:
        _watchers[id(loop)] = loop.create_task(_watch())


async def _identity(client) -> str:
    import redis

    try:
        return (await client.info("server"))["run_id"]
    except (redis.RedisError, OSError):
        return "unreachable"


def _cancelled() -> bool:
    """Whether this task was asked to stop. redis-py can swallow a cancellation that lands in
    the middle of a command (it reconnects and retries, or raises a connection error instead),
    and a cancellation is delivered only once: the watcher asks after every command, or its
    loop's shutdown would wait for it forever."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _watch() -> None:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(
        settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
    )
    try:
        known = await _identity(client)
        while not _cancelled():
            await asyncio.sleep(INTERVAL)
            current = await _identity(client)
            if _cancelled():
                break
            if current != known and _sockets:
                await _close_all(current)
            known = current
    finally:
        await client.aclose()
    raise asyncio.CancelledError


async def _close_all(current: str) -> None:
    sockets = list(_sockets)
    logger.warning(
        "Redis %s: closing %d sockets so they rejoin and resume",
        "is unreachable" if current == "unreachable" else "was restarted",
        len(sockets),
    )
    for consumer in sockets:
        try:
            await consumer.close(code=CLOSE_SERVICE_RESTART)
        except Exception:  # noqa: BLE001 - a socket already gone
            logger.debug("socket already closed", exc_info=True)
