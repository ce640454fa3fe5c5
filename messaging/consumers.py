"""/ws/chat/<conversation_id>/: one conversation's socket.

Frames in (JSON objects with a "type"): message.send {body, reply_to?, client_id?},
message.edit {id, body}, message.delete {id}, typing, read {last_id}, resume {last_id}, ping.
Frames out: hello, message.new, message.updated, message.ack, history, resume.done, typing,
presence, read, conversation.state, pong, error.

Every message is written by the same service as the HTTP form (messaging.services) and only then
broadcast; a client that reconnects sends `resume` with the last id it saw and gets what it
missed, then sends again what was never acknowledged (the same client_id: stored once). The
socket listens to its user's portal events too, so it closes with 4403 the moment the user's
membership ends (group.member_removed, group.closed) without any hook in groups/; in a referral
thread, also when its provider's events say a place may have changed (messaging.subjects).
"""

import logging

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from messaging import broadcast, online, selectors, services
from messaging.broadcast import room_group
from messaging.presentation import message_dict
from messaging.subjects import recheck_prefixes
from portal.consumers import CLOSE_FORBIDDEN, PortalConsumer
from portal.converters import parse_id
from portal.events import user_group

logger = logging.getLogger(__name__)

# A message is at most 2,000 characters; a frame far above that is not a person typing.
MAX_FRAME = 16 * 1024
RESUME_BATCHES = 5


def _int(value) -> int | None:
    """A JSON integer (not a bool, not a string of digits) a bigint column holds, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_id(value, low=0)
    return None


def _deferring(service, kwargs: dict):
    """Run a service, collecting the room frames it publishes: (its result, the frames)."""
    with broadcast.deferred() as frames:
        return service(**kwargs), frames


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class ChatConsumer(PortalConsumer):
    access: selectors.ChatAccess | None = None
    ready = False

    # -- connection ---------------------------------------------------------------------------

    async def is_allowed(self, user) -> bool:
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.access = await database_sync_to_async(selectors.chat_access)(user, conversation_id)
        return self.access is not None

    async def joined(self, user) -> None:
        self.user = user
        self.conversation_id = self.access.conversation.pk
        self.room = room_group(self.conversation_id)
        self.present: dict[int, tuple[str, set[str]]] = {}
        await self.channel_layer.group_add(self.room, self.channel_name)
        # The user's own events: membership changes end this socket.
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await database_sync_to_async(online.socket_opened)(self.conversation_id, user.pk)
        self.ready = True
        await self.send_json(
            {
                "type": "hello",
                "conversation": self.conversation_id,
                "user": {"id": user.pk, "name": user.display_name},
                "can_post": self.access.can_post,
                "read_only": self.access.read_only_reason,
                "read_receipts": self.access.sees_read_receipts,
            }
        )
        await self._presence_send("join", to=self.room)

    async def disconnect(self, code):
        if not self.ready:
            return
        self.ready = False
        await self._presence_send("leave", to=self.room)
        await self.channel_layer.group_discard(self.room, self.channel_name)
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        await database_sync_to_async(online.socket_closed)(self.conversation_id, self.user.pk)

    async def _forbid(self) -> None:
        await self.send_error("forbidden", _("You are no longer in this conversation."))
        await self.disconnect(CLOSE_FORBIDDEN)
        await self.close(code=CLOSE_FORBIDDEN)

    # -- frames from the browser --------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not self.ready:
            return
        if len(text_data or bytes_data or "") > MAX_FRAME:
            await self.send_error("too_large", _("This frame is too large."))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        handler = {
            "message.send": self.on_send,
            "message.edit": self.on_edit,
            "message.delete": self.on_delete,
            "typing": self.on_typing,
            "read": self.on_read,
            "resume": self.on_resume,
            "ping": self.on_ping,
        }.get(content["type"])
        if handler is None:
            await self.send_error("unknown_type", _("Unknown frame type."))
            return
        await handler(content)

    async def _call(self, service, *, echo_client_id=None, **kwargs):
        """Run a service; its refusal becomes an error frame (and a lost place closes the
        socket). Returns the service's result, or None when it refused. A refused send's error
        names its client_id, so the browser knows which message of its outbox was refused."""
        try:
            result, frames = await database_sync_to_async(_deferring)(service, kwargs)
        except ValidationError as error:
            code = getattr(error, "code", None) or "invalid"
            if code == "forbidden":
                await self._forbid()
            elif echo_client_id:
                await self.send_json(
                    {"type": "error", "code": code, "message": _validation_message(error),
                     "client_id": echo_client_id}
                )  # fmt: skip
            else:
                await self.send_error(code, _validation_message(error))
            return None
        # The room's frames the service committed (a new message, an edit, a read receipt),
        # sent from here rather than from the database thread (messaging.broadcast.deferred).
        for group, layer_message in frames:
            try:
                await self.channel_layer.group_send(group, layer_message)
            except Exception:  # as on_commit(robust=True): the action is stored; resume fills in
                logger.exception("could not send %s to %s", layer_message["event"]["type"], group)
        return result

    async def on_send(self, content):
        body, reply_to = content.get("body", ""), content.get("reply_to")
        client_id = content.get("client_id")
        if not isinstance(body, str) or (reply_to is not None and _int(reply_to) is None):
            await self.send_error("invalid", _("A message needs a text body."))
            return
        if client_id is not None and not (isinstance(client_id, str) and len(client_id) <= 64):
            client_id = None
        # The sender is the socket's user, whatever the frame says; the service counts the send
        # against their allowance (a refusal comes back as a "rate_limited" error frame), and a
        # client_id it has stored already gives back that message, so a resend is not a copy.
        message = await self._call(
            self._send, echo_client_id=client_id, body=body, reply_to_id=reply_to,
            client_id=client_id or "",
        )  # fmt: skip
        if message is not None:
            # The message itself rides on the ack: the sender sees it even if its broadcast was
            # lost (the channel layer was away), and a resend's ack shows the stored one.
            await self.send_json(
                {"type": "message.ack", "client_id": client_id, "id": message["id"],
                 "message": message}
            )  # fmt: skip

    def _send(self, **kwargs) -> dict:
        message = services.message_send(
            conversation_id=self.conversation_id, sender=self.user, **kwargs
        )
        return message_dict(message)

    async def on_edit(self, content):
        message_id, body = _int(content.get("id")), content.get("body")
        if message_id is None or not isinstance(body, str):
            await self.send_error("invalid", _("Say which message to change and its new text."))
            return
        await self._call(services.message_edit, message_id=message_id, user=self.user, body=body)

    async def on_delete(self, content):
        message_id = _int(content.get("id"))
        if message_id is None:
            await self.send_error("invalid", _("Say which message to delete."))
            return
        await self._call(services.message_delete, message_id=message_id, user=self.user)

    async def on_typing(self, content):
        if self.access.can_post:
            await self.channel_layer.group_send(
                self.room,
                {
                    "type": "chat.typing",
                    "user": {"id": self.user.pk, "name": self.user.display_name},
                    "channel": self.channel_name,
                },
            )

    async def on_read(self, content):
        last_id = _int(content.get("last_id"))
        if last_id is None:
            await self.send_error("invalid", _("Say the last message id you have read."))
            return
        await self._call(
            services.read_mark,
            conversation_id=self.conversation_id,
            user=self.user,
            last_id=last_id,
        )

    async def on_resume(self, content):
        """Everything after the last id the client saw, in batches, then resume.done."""
        last_id = _int(content.get("last_id"))
        if last_id is None:
            await self.send_error("invalid", _("Say the last message id you have seen."))
            return
        more = False
        for _batch in range(RESUME_BATCHES):
            rows = await database_sync_to_async(self._missed)(last_id)
            if rows:
                await self.send_json({"type": "history", "messages": rows})
                last_id = rows[-1]["id"]
            more = len(rows) == selectors.RESUME_BATCH
            if not more:
                break
        await self.send_json({"type": "resume.done", "last_id": last_id, "more": more})

    def _missed(self, last_id: int) -> list[dict]:
        conversation = self.access.conversation
        return [message_dict(m) for m in selectors.messages_after(conversation, last_id)]

    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    # -- events from the channel layer --------------------------------------------------------

    async def chat_event(self, message):
        event = message["event"]
        if event["type"] == "read" and not (
            self.access.sees_read_receipts or event["user"]["id"] == self.user.pk
        ):
            return
        await self.send_json(event)

    async def chat_typing(self, message):
        if message["channel"] != self.channel_name:
            await self.send_json({"type": "typing", "user": message["user"]})

    async def chat_presence(self, message):
        user_id, channel = message["user"]["id"], message["channel"]
        action = message["action"]
        if action in ("join", "here"):
            name, channels = self.present.get(user_id, (message["user"]["name"], set()))
            channels.add(channel)
            self.present[user_id] = (name, channels)
            if action == "join" and channel != self.channel_name:
                await self._presence_send("here", to_channel=channel)
        elif action == "leave" and user_id in self.present:
            self.present[user_id][1].discard(channel)
            if not self.present[user_id][1]:
                del self.present[user_id]
        await self.send_json(
            {
                "type": "presence",
                "online": [
                    {"id": uid, "name": name} for uid, (name, _c) in sorted(self.present.items())
                ],
            }
        )

    async def _presence_send(self, action: str, *, to: str = "", to_channel: str = "") -> None:
        message = {
            "type": "chat.presence",
            "action": action,
            "user": {"id": self.user.pk, "name": self.user.display_name},
            "channel": self.channel_name,
        }
        if to_channel:
            await self.channel_layer.send(to_channel, message)
        else:
            await self.channel_layer.group_send(to, message)

    async def portal_event(self, message):
        """The user's own events: re-check access when their groups or staff roles change."""
        # Subject threads' providers name the events that may change a place (leaving an
        # organisation, a referral's step).
        if not message["event"]["type"].startswith(("group.", "access.", *recheck_prefixes())):
            return
        access = await database_sync_to_async(selectors.chat_access)(
            self.user, self.conversation_id
        )
        if access is None:
            await self._forbid()
            return
        if access.can_post != self.access.can_post:
            state = {"type": "conversation.state", "can_post": access.can_post}
            if access.subject_read_only:  # a closed group's reason is the page's own text
                state["read_only"] = access.subject_read_only
            await self.send_json(state)
        self.access = access
