"""Events of one conversation, sent to its open chat sockets after commit.

User-level events (notifications, membership changes) go through portal.events.publish to each
person's sockets; a chat message goes once to the conversation's channel-layer group instead
of once per member, so a 20-member room costs one group_send per message, not twenty. Both
leave only on commit, and the message is already stored: a lost broadcast is recovered by the
client's resume (messages after the last id it saw)."""

import json
import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The chat consumer's handler for these layer messages is ChatConsumer.chat_event.
LAYER_MESSAGE_TYPE = "chat.event"


def room_group(conversation_id: int) -> str:
    """The channel-layer group of every open socket of one conversation."""
    return f"chat.{conversation_id}"


def room_publish(conversation_id: int, type: str, payload: dict) -> dict:  # noqa: A002
    event = json.loads(json.dumps({"type": type, **payload}, ensure_ascii=False))
    transaction.on_commit(partial(_deliver, conversation_id, event), robust=True)
    return event


def _deliver(conversation_id: int, event: dict) -> None:
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(
        room_group(conversation_id), {"type": LAYER_MESSAGE_TYPE, "event": event}
    )
    logger.debug("chat %s %s delivered", conversation_id, event["type"])
