"""Who has a chat socket open, per conversation, in the shared cache (Redis in production, so
every web process sees the same counts): the away-notification task skips people who are
looking at the conversation. A process that dies without closing its sockets leaves counts
that expire after ONLINE_TTL."""

from django.core.cache import cache

ONLINE_TTL = 6 * 3600


def _key(conversation_id: int, user_id: int) -> str:
    return f"messaging:online:{conversation_id}:{user_id}"


def socket_opened(conversation_id: int, user_id: int) -> None:
    key = _key(conversation_id, user_id)
    cache.add(key, 0, ONLINE_TTL)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ONLINE_TTL)


def socket_closed(conversation_id: int, user_id: int) -> None:
    key = _key(conversation_id, user_id)
    try:
        if cache.decr(key) <= 0:
            cache.delete(key)
    except ValueError:
        pass


def online_users(conversation_id: int, user_ids: list[int]) -> set[int]:
    keys = {_key(conversation_id, uid): uid for uid in user_ids}
    found = cache.get_many(list(keys))
    return {keys[key] for key, count in found.items() if count and count > 0}
