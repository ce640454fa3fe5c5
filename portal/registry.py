"""How the shared core finds each app's contributions without importing apps it does not know.

An app contributes by having a module of a known name (DESIGN.md layout):
  nav.py       items(user, roles) -> [(label, url)]      the menu (portal.context_processors)
  counts.py    counts() -> {key: int}                     the home page figures
  todos.py     items(user, roles) -> [portal.todo.Todo]   the to-dos on /me/ (portal.todo)
  demo.py      seed(*, stdout)                            `manage.py seed_demo`
  scale.py     add_arguments(parser); run(options, *, rng, bar)   `manage.py seed_scale`
  schedule.py  BEAT_SCHEDULE = {...}                      Celery beat (portal.celery)
  routing.py   websocket_urlpatterns = [...]            the WebSocket routes (portal.asgi)
  sockets.py   FRAME_HANDLERS = {type: handler(user, frame) -> reply or None}
               the frames a browser sends on /ws/notifications/ (portal.consumers)
"""

import importlib
import importlib.util
from functools import cache
from types import ModuleType

# In dependency order: demo and scale data are created in this order.
PORTAL_APPS = (
    "portal",
    "groups",
    "volunteers",
    "partners",
    "matching",
    "curriculum",
    "messaging",
    "search",
    "alerts",
    "dashboards",
)


@cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    found = []
    for app in PORTAL_APPS:
        if importlib.util.find_spec(app) and importlib.util.find_spec(f"{app}.{name}"):
            found.append(importlib.import_module(f"{app}.{name}"))
    return tuple(found)
