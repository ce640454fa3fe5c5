"""ASGI entry point: HTTP through Django, WebSockets through Channels (one port for both)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
# Django first: the routing below imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver, re_path  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from portal.consumers import UnknownPathConsumer  # noqa: E402
from portal.origins import SameOriginValidator  # noqa: E402
from portal.registry import app_modules  # noqa: E402

# Each app's routing.py (the notifications socket of portal, the chat socket of messaging ...),
# then any other path, closed with 4404 rather than failing the handshake.
websocket_urlpatterns = [
    route for module in app_modules("routing") for route in module.websocket_urlpatterns
] + [re_path(r"", UnknownPathConsumer.as_asgi())]


def websocket_app():
    """Browsers: the Origin check, then the session cookie. Other ways in are named by
    settings.WEBSOCKET_TOKEN_AUTH (the app's token: api.socket_auth, above portal, so imported
    by name): given the browser stack and the bare routes, it picks one per handshake."""
    routes = URLRouter(websocket_urlpatterns)
    browser = SameOriginValidator(AuthMiddlewareStack(routes))
    token_auth = getattr(settings, "WEBSOCKET_TOKEN_AUTH", "")
    return import_string(token_auth)(browser, routes) if token_auth else browser


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_app()})

# Everything start-up made (models, the URL configuration and the views it imports) lives as long
# as the process: it is moved out of the garbage collector's sight, so the full collections a
# request sets off do not walk it again (pauses of about 150 ms were measured inside one matching
# overview). The URL configuration is loaded first, or the first request would load it unfrozen.
get_resolver().url_patterns  # noqa: B018 - importing the views is the point
gc.freeze()
