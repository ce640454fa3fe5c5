"""WebSocket routes of messaging (/ws/chat/<conversation_id>/), gathered by portal.asgi through
portal.registry."""

from django.urls import path

from messaging.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/chat/<str:conversation_id>/", ChatConsumer.as_asgi()),
]
