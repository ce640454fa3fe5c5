"""Events of one conversation, sent to its open chat sockets after commit.

A second audience, not a second publisher: user-level events (notifications, membership changes)
go through portal.events.publish to each person's sockets, while a chat message goes once to the
conversation's channel-layer group instead of once per member, so a 20-member room costs one
group_send per message, not twenty. Both leave through portal.events (JSON checked in the caller,
only on commit, a channel layer that is down never fails the action), and the message is already
stored: a lost broadcast is recovered by the client's resume (messages after the last id it saw).

One exception to "through portal.events": a chat socket running a service collects the room's
frames instead (deferred()) and sends them itself from its event loop, right after the commit,
with the same checks. Sent from the database thread, each would hop back to the event loop and
hold that thread, which every socket of the process shares, for the whole fan-out.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from portal import events

# The chat consumer's handler for these layer messages is ChatConsumer.chat_event.
LAYER_MESSAGE_TYPE = "chat.event"

# The list a chat socket's service call collects (group, layer message) pairs in, or None.
_collector: ContextVar[list | None] = ContextVar("messaging_broadcast_collector", default=None)


def room_group(conversation_id: int) -> str:
    """The channel-layer group of every open socket of one conversation."""
    return f"chat.{conversation_id}"


def room_publish(conversation_id: int, type: str, payload: dict) -> dict:  # noqa: A002
    """Send a frame `{"type": type, **payload}` to the conversation's open sockets on commit."""
    frames = _collector.get()
    if frames is None:
        return events.publish_to_group(
            room_group(conversation_id), LAYER_MESSAGE_TYPE, {"type": type, **payload}
        )
    # What publish_to_group does, but the commit hands the frame to the collecting socket.
    event = json.loads(json.dumps({"type": type, **payload}, ensure_ascii=False))
    layer_message = {"type": LAYER_MESSAGE_TYPE, "event": event}

    def collect():
        frames.append((room_group(conversation_id), layer_message))

    transaction.on_commit(collect)
    return event


@contextmanager
def deferred():
    """Within this block, on the thread running a service outside any transaction of the
    caller's, room_publish() leaves its frames, once committed, in the list yielded; the caller
    sends them (group_send) and logs a failure instead of failing the action, as on_commit's
    robust delivery does. Frames of a transaction that rolled back never reach the list."""
    frames: list[tuple[str, dict]] = []
    token = _collector.set(frames)
    try:
        yield frames
    finally:
        _collector.reset(token)
