import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor_settings")
from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Echo(AsyncJsonWebsocketConsumer):
    """The Channels floor: a frame sent to a room's group reaches every member."""

    async def connect(self):
        self.room = "room-" + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.room, {"type": "room.msg", "content": content})

    async def room_msg(self, event):
        await self.send_json(event["content"])


from channels.db import database_sync_to_async  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def _store(room: str, body: str) -> int:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO floor_msg (room, body) VALUES (%s, %s) RETURNING id", [room, body])
        return cur.fetchone()[0]


class EchoStored(Echo):
    """The persisted floor: one INSERT in its own transaction, then the same fan-out."""

    async def receive_json(self, content, **kwargs):
        content["id"] = await database_sync_to_async(_store)(
            self.room, str(content.get("body", ""))
        )
        await self.channel_layer.group_send(self.room, {"type": "room.msg", "content": content})


application = ProtocolTypeRouter(
    {
        "http": django_app,
        "websocket": URLRouter(
            [
                path("ws/echo/<str:room>/", Echo.as_asgi()),
                path("ws/stored/<str:room>/", EchoStored.as_asgi()),
            ]
        ),
    }
)
