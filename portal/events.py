"""The one way anything reaches a browser in real time (DESIGN.md, "How data flows").

A service calls publish() inside its transaction; the event leaves only when that transaction
commits, so a browser never sees a change that rolled back. Delivery goes through the channel
layer to every open socket of each recipient (/ws/notifications/, portal.consumers), or, with
publish_to_group(), to every socket of one place such as a chat conversation (messaging.broadcast).
"""

import bisect
import json
import logging
import uuid
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The consumer's handler for this message type is NotificationConsumer.portal_event.
LAYER_MESSAGE_TYPE = "portal.event"


def user_group(user_id: int) -> str:
    """The channel-layer group holding every socket of one user."""
    return f"user.{user_id}"


def publish(recipients: Iterable, type: str, payload: dict) -> dict:  # noqa: A002
    """Send an event of `type` to each recipient (users or user ids) once the transaction commits.

    The payload must be JSON: it is encoded now, so a bad payload fails in the caller rather
    than in a socket. Returns the event as the browser will receive it.
    """
    user_ids = sorted({getattr(r, "pk", r) for r in recipients})
    event = _new_event(type, payload)
    if user_ids:
        _send_on_commit(
            [user_group(u) for u in user_ids], {"type": LAYER_MESSAGE_TYPE, "event": event}
        )
    return event


# Every notification socket is also in this one group (portal.consumers.NotificationConsumer):
# publish_to_many() reaches thousands of people with one layer message instead of one per person.
NOTIFICATION_SOCKETS = "portal.notifications"
# The consumers' handler for that message: NotificationConsumer.portal_broadcast.
BROADCAST_MESSAGE_TYPE = "portal.broadcast"


def publish_to_many(
    recipients: Iterable,
    type: str,  # noqa: A002
    payload: dict,
    *,
    robust: bool = True,
) -> dict:
    """publish() for an audience of thousands (an urgent alert to a county's groups).

    publish() sends one layer message per person: with channels_redis that is a group look-up
    per person, online or not, about 5 s for 10,000 people. Here one message goes to every open
    notification socket, carrying the sorted recipient ids; each socket forwards the event to its
    browser only when its own user is among them, so no one else's browser ever sees it. One look-up
    and one message per web process, whatever the audience. Only /ws/notifications/ sockets hear
    it: an event other sockets act on (the chat socket's "group." events) goes through publish().

    robust=False lets a channel-layer error reach the caller, for a caller outside a transaction
    that records what it pushed (alerts.delivery) and must not record a push that failed.
    """
    user_ids = sorted({getattr(r, "pk", r) for r in recipients})
    event = _new_event(type, payload)
    if user_ids:
        _send_on_commit(
            [NOTIFICATION_SOCKETS],
            {"type": BROADCAST_MESSAGE_TYPE, "to": user_ids, "event": event},
            robust=robust,
        )
    return event


def is_addressed_to(message: dict, user_id: int) -> bool:
    """Whether a publish_to_many() message names this user (its ids are sorted: a binary search,
    since every socket of a web process asks about the same message)."""
    to = message["to"]
    at = bisect.bisect_left(to, user_id)
    return at < len(to) and to[at] == user_id


def publish_to_group(group: str, handler: str, event: dict) -> dict:
    """Send `event` once to every socket in one channel-layer group that is not a person's,
    once the transaction commits; `handler` is the layer message type its consumers handle.

    For audiences that are a place rather than a list of people: a chat conversation's open
    sockets (messaging.broadcast) get one group_send per message instead of one per member.
    The event is the browser frame itself, JSON-checked here like publish()'s."""
    event = _checked(event)
    _send_on_commit([group], {"type": handler, "event": event})
    return event


# The consumers' handler for this message type is PortalConsumer.portal_close.
CLOSE_MESSAGE_TYPE = "portal.close"


def sockets_close(user_ids: Iterable[int]) -> None:
    """Close every open socket of these users once the transaction commits (their login was
    re-issued or taken away): a socket keeps the session it was opened with, so a new password
    alone would leave it listening. Each socket closes with 4403, like a stranger's."""
    user_ids = sorted(set(user_ids))
    if user_ids:
        _send_on_commit([user_group(u) for u in user_ids], {"type": CLOSE_MESSAGE_TYPE})


def _new_event(type: str, payload: dict) -> dict:  # noqa: A002
    return _checked(
        {"id": uuid.uuid4().hex, "type": type, "at": timezone.now().isoformat(), "payload": payload}
    )


def _checked(event: dict) -> dict:
    """The event as the browser will decode it; a payload that is not JSON fails here, in the
    caller, rather than in a socket."""
    return json.loads(json.dumps(event, ensure_ascii=False))


def _send_on_commit(groups: list[str], message: dict, *, robust: bool = True) -> None:
    def deliver():  # a named function: Django's on_commit error log reads __qualname__
        _deliver(groups, message)

    # robust: a channel layer that is down must not turn a committed action into an error;
    # anything that must not be lost is stored first (messages, notifications).
    transaction.on_commit(deliver, robust=robust)


def _deliver(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()

    async def send_all():
        for group in groups:
            await layer.group_send(group, message)

    async_to_sync(send_all)()
    logger.debug("%s delivered to %d channel-layer groups", message["type"], len(groups))
