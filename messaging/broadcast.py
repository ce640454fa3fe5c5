"""Events of one conversation, sent to its open chat sockets after commit.

A second audience, not a second publisher: user-level events (notifications, membership changes)
go through portal.events.publish to each person's sockets, while a chat message goes once to the
conversation's channel-layer group instead of once per member, so a 20-member room costs one
group_send per message, not twenty. Both leave through portal.events (JSON checked in the caller,
only on commit, a channel layer that is down never fails the action), and the message is already
stored: a lost broadcast is recovered by the client's resume (messages after the last id it saw)."""

from portal import events

# The chat consumer's handler for these layer messages is ChatConsumer.chat_event.
LAYER_MESSAGE_TYPE = "chat.event"


def room_group(conversation_id: int) -> str:
    """The channel-layer group of every open socket of one conversation."""
    return f"chat.{conversation_id}"


def room_publish(conversation_id: int, type: str, payload: dict) -> dict:  # noqa: A002
    """Send a frame `{"type": type, **payload}` to the conversation's open sockets on commit."""
    return events.publish_to_group(
        room_group(conversation_id), LAYER_MESSAGE_TYPE, {"type": type, **payload}
    )
