"""WebSocket routes of messaging (/ws/chat/<conversation_id>/), added to portal/routing.py."""

websocket_urlpatterns: list = []
