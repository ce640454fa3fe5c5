"""Every WebSocket route of the portal; apps add theirs here (messaging: /ws/chat/...)."""

from django.urls import path

from portal.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
