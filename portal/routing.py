"""The core's own WebSocket route: a user's notifications. Every app's routes (this module's
included) are gathered by portal.asgi through portal.registry, so the core imports no app."""

from django.urls import path

from portal.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
