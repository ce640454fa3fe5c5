"""The keyword boxes of list pages (jobs, programmes, lessons) narrow their lists by the site
search's words, yet the apps that own those lists sit below search in the layers (DESIGN.md).
So the core holds the question and search answers it: search registers its `ids` function here
in its AppConfig.ready, and a list asks `keywords.ids(...)` without importing search.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_provider: Callable | None = None


def provide(function: Callable) -> None:
    """Called once by the search app: `function(user, text, *, kind, limit)`."""
    global _provider
    _provider = function


def ids(user, text: str, *, kind: str, limit: int = 1000) -> list[int] | None:
    """Ids of the `kind` documents matching `text` that `user` may see, best first; None when
    the text has no words (the list stays as it is)."""
    if _provider is None:
        raise ImproperlyConfigured("no keyword search is installed (the search app provides it)")
    return _provider(user, text, kind=kind, limit=limit)
