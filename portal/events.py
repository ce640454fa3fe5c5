"""The one way anything reaches a browser in real time (DESIGN.md, "How data flows").

A service calls publish() inside its transaction; the event leaves only when that transaction
commits, so a browser never sees a change that rolled back. Delivery goes through the channel
layer to every open socket of each recipient (/ws/notifications/, portal.consumers).
"""

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
    event = {
        "id": uuid.uuid4().hex,
        "type": type,
        "at": timezone.now().isoformat(),
        "payload": payload,
    }
    event = json.loads(json.dumps(event, ensure_ascii=False))
    if user_ids:

        def deliver():  # a named function: Django's on_commit error log reads __qualname__
            _deliver(user_ids, event)

        # robust: a channel layer that is down must not turn a committed action into an error;
        # anything that must not be lost is stored first (messages, notifications).
        transaction.on_commit(deliver, robust=True)
    return event


def _deliver(user_ids: list[int], event: dict) -> None:
    layer = get_channel_layer()
    message = {"type": LAYER_MESSAGE_TYPE, "event": event}

    async def send_all():
        for user_id in user_ids:
            await layer.group_send(user_group(user_id), message)

    async_to_sync(send_all)()
    logger.debug("event %s %s delivered to %d users", event["type"], event["id"], len(user_ids))


# The consumers' handler for this message type is PortalConsumer.portal_close.
CLOSE_MESSAGE_TYPE = "portal.close"


def sockets_close(user_ids: Iterable[int]) -> None:
    """Close every open socket of these users once the transaction commits (their login was
    re-issued or taken away): a socket keeps the session it was opened with, so a new password
    alone would leave it listening. Each socket closes with 4403, like a stranger's."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return

    def close():
        layer = get_channel_layer()

        async def send_all():
            for user_id in user_ids:
                await layer.group_send(user_group(user_id), {"type": CLOSE_MESSAGE_TYPE})

        async_to_sync(send_all)()

    transaction.on_commit(close, robust=True)
