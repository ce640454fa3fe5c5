"""The Redis watcher of a web process (portal.layer_watch) ends when its event loop shuts down,
even when the cancellation lands inside a Redis command that redis-py turns into a connection
error: otherwise a process (or a test's event loop) waits for it forever on shutdown."""

import asyncio

import pytest
import redis
import redis.asyncio

from portal import layer_watch


@pytest.mark.parametrize("swallowed_as", ["connection error", "a retried command"])
async def test_the_watcher_ends_when_cancelled_inside_a_redis_command(
    monkeypatch, settings, swallowed_as
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # never contacted: info() is replaced
    asking = asyncio.Event()

    async def info(self, *args, **kwargs):
        asking.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            # What redis-py may do when a read is cancelled mid-command: raise a connection
            # error instead, or reconnect and answer as if nothing happened.
            if swallowed_as == "connection error":
                raise redis.ConnectionError("Connection closed by server.") from None
        return {"run_id": "a"}

    monkeypatch.setattr(redis.asyncio.Redis, "info", info)
    watcher = asyncio.get_running_loop().create_task(layer_watch._watch())
    await asyncio.wait_for(asking.wait(), 3)
    watcher.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(watcher, 3)
    assert watcher.cancelled()


async def test_an_unreachable_redis_is_not_a_cancellation(monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    async def info(self, *args, **kwargs):
        raise redis.ConnectionError("refused")

    monkeypatch.setattr(redis.asyncio.Redis, "info", info)
    client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    assert await layer_watch._identity(client) == "unreachable"
    await client.aclose()
