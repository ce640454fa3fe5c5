"""Every WebSocket route of the portal: the notifications socket and each app's own."""

from django.urls import path

from messaging.routing import websocket_urlpatterns as messaging_routes
from portal.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    *messaging_routes,
]
