"""The notification socket: every event published to a user reaches all of their open tabs."""

import json
from functools import cache

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from portal import layer_watch
from portal.events import NOTIFICATION_SOCKETS, is_addressed_to, user_group
from portal.models import StaffRole
from portal.registry import app_modules
from portal.rights import ACCESS_REVOKED

# Close code for "not allowed" (DESIGN.md, stable contracts): 4000 + HTTP 403.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class PortalConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour of the portal's sockets: refuse strangers with 4403, answer bad frames
    with an error frame instead of crashing."""

    async def connect(self):
        # Accept first: a close before the handshake reaches the browser as a bare HTTP 403
        # and the 4403 code would be lost.
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await self.is_allowed(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.joined(user)
        # Closed if Redis restarts under it: its groups would be gone (portal.layer_watch).
        layer_watch.register(self)

    async def is_allowed(self, user) -> bool:
        return True

    async def joined(self, user) -> None:
        """Called once an allowed user's socket is open."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("bad_frame", _("Send JSON text frames."))
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # nested deeper than the parser's stack
            await self.send_error("bad_frame", _("The frame is not valid JSON."))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("bad_frame", _("A frame is a JSON object with a type."))
            return
        await self.receive_json(content, **kwargs)

    async def portal_close(self, message):
        """portal.events.sockets_close: the user's login changed; this socket's session is gone."""
        await self.disconnect(CLOSE_FORBIDDEN)
        await self.close(code=CLOSE_FORBIDDEN)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": str(message)})

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, ensure_ascii=False)


class UnknownPathConsumer(AsyncJsonWebsocketConsumer):
    """Any socket path no app routes: accepted only to be closed with 4404, so the browser gets
    a code instead of a handshake failing with a server error."""

    async def connect(self):
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)


class NotificationConsumer(PortalConsumer):
    """/ws/notifications/: a user's events, pushed to each socket of that user."""

    group_name = None

    async def joined(self, user):
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.channel_layer.group_add(NOTIFICATION_SOCKETS, self.channel_name)

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            await self.channel_layer.group_discard(NOTIFICATION_SOCKETS, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content["type"] == "ping":
            await self.send_json({"type": "pong"})
            return
        handler = frame_handlers().get(content["type"])
        if handler is None:
            await self.send_error("unknown_type", _("This socket does not know this frame type."))
            return
        # The apps' handlers are plain functions that may use the database.
        reply = await database_sync_to_async(handler)(self.scope["user"], content)
        if reply is not None:
            await self.send_json(reply)

    async def portal_broadcast(self, message):
        """portal.events.publish_to_many: forward only what is addressed to this user."""
        if is_addressed_to(message, self.scope["user"].pk):
            await self.portal_event(message)

    async def portal_event(self, message):
        event = message["event"]
        if event["type"] == ACCESS_REVOKED:
            # A staff role was taken away while this socket was open, so the socket may have
            # been opened with it: it closes unless the role was given back meanwhile. The
            # browser's next page opens a socket with what the person holds now.
            if not await database_sync_to_async(_holds)(self.scope["user"], event["payload"]):
                await self.disconnect(CLOSE_FORBIDDEN)
                await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json(event)


@cache
def frame_handlers() -> dict:
    """What a browser may send on /ws/notifications/ besides ping, gathered from the apps'
    sockets.py (portal.registry): {frame type: handler(user, frame) -> reply frame or None}."""
    handlers = {}
    for module in app_modules("sockets"):
        handlers.update(module.FRAME_HANDLERS)
    return handlers


def _holds(user, role: dict) -> bool:
    return StaffRole.objects.filter(
        user=user, role=role.get("role"), region__code=role.get("region")
    ).exists()
