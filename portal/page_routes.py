"""Serving a page of the site in a fixed, small number of queries, whatever its depth.

Wagtail's own routing walks the URL one slug at a time, two queries a level (the child, then
its specific row): eight for a lesson four levels under the home page. Here the home page (and
the learning centre, when Wagtail's walk reaches it) resolves the rest of the path in one query
over its descendants' url_path (which Wagtail keeps as the chain of slugs) and fetches the
specific page in a second; an address seen before costs one query, its page's own row. When
anything looks unusual (a page type with its own routing on the way, a gap or a duplicate in
the chain) it hands over to Wagtail's walk, so the answer is always the one Wagtail would give.

The view restrictions of a page and its ancestors (checked by Wagtail before serving) are read
in one query instead of two: the ancestors' paths follow from the page's own path.

(Not named routing.py: portal.asgi reads every app's routing.py for its WebSocket routes.)
"""

import hashlib

from django.apps import apps
from django.db.models import Q
from django.db.models.functions import Coalesce
from wagtail.models import Page, PageViewRestriction

from portal import page_cache

# Which page an address leads to, and the view restrictions over it: raised by whatever changes
# either (connect).
ROUTES = page_cache.Generation("portal.routes.generation")
KEPT_SECONDS = 300


def connect() -> None:
    """Raise ROUTES on a publish, unpublish, move, slug change or deletion of any page, and on a
    view restriction saved or deleted."""
    from django.db.models.signals import post_delete
    from wagtail.signals import post_page_move

    page_cache.connect(ROUTES, uid="portal.page_routes")  # publish, unpublish, slug change
    post_page_move.connect(ROUTES.bump, dispatch_uid="portal.page_routes.moved", weak=False)
    # A page deleted (post_delete is sent for the Page row of every page type).
    post_delete.connect(
        ROUTES.changed, sender=Page, dispatch_uid="portal.page_routes.deleted", weak=False
    )
    page_cache.raise_on_writes(ROUTES, "portal.page_routes", models=(PageViewRestriction,))


def _walks_like_a_page(page: Page) -> bool:
    """Whether passing through `page` does what Page.route does (no routing of its own)."""
    model = page.specific_class
    return model is not None and getattr(model, "route", None) in ROUTES_LIKE_PAGE


def route_below(page: Page, request, path_components: list[str]):
    """The route Wagtail's Page.route would find from `page` for `path_components`, or None
    when this fast path cannot tell (the caller then walks as Wagtail does).

    Which page an address leads to, and the view restrictions over it, are the same for
    everyone and change only with a publish, unpublish, move, slug change, deletion or a
    restriction saved or deleted, each of which raises ROUTES: they are kept under it, so a
    page seen again costs one query (its own row)."""
    key = (
        "portal.route."
        + hashlib.sha256(f"{page.pk}/{'/'.join(path_components)}".encode()).hexdigest()
    )
    generation, found = ROUTES.read_with(key)
    cached, slot = page_cache.read_stamped(key, (generation,), found)
    if cached is not None:
        label, pk, restrictions = cached
        target = apps.get_model(label).objects.filter(pk=pk).first()
        if target is not None:
            target._served_view_restrictions = restrictions
            return target.route(request, [])
    found = _route_below(page, request, path_components)
    if found is not None and generation is not None:
        target = found.page
        restrictions = list(view_restrictions(target))
        target._served_view_restrictions = restrictions
        value = (target._meta.label, target.pk, restrictions)
        page_cache.keep_stamped(slot, value, KEPT_SECONDS)
    return found


def _route_below(page: Page, request, path_components: list[str]):
    n = len(path_components)
    url_paths = [page.url_path + "/".join(path_components[:i]) + "/" for i in range(1, n + 1)]
    chain = list(
        Page.objects.filter(
            path__startswith=page.path,
            depth__gt=page.depth,
            depth__lte=page.depth + n,
            url_path__in=url_paths,
        ).order_by("depth")
    )
    if len(chain) != n:  # missing (a 404, for Wagtail's walk to raise) or ambiguous
        return None
    parent = page
    for depth, (url_path, found) in enumerate(zip(url_paths, chain, strict=True), page.depth + 1):
        if (
            found.url_path != url_path
            or found.depth != depth
            or found.path[: -Page.steplen] != parent.path
        ):
            return None
        if found is not chain[-1] and not _walks_like_a_page(found):
            return None
        parent = found
    target = chain[-1].specific
    # As Wagtail's walk does: the parent is known, so page.get_parent() costs no query.
    target._cached_parent_obj = chain[-2] if n > 1 else page
    return target.route(request, [])


def view_restrictions(page: Page):
    """Page.get_view_restrictions() in one query: the restrictions on the page and on each of
    its ancestors, an alias counting as the page it is an alias of."""
    ancestors = [page.path[:end] for end in range(Page.steplen, len(page.path), Page.steplen)]
    sources = (
        Page.objects.filter(path__in=ancestors)
        .annotate(source=Coalesce("alias_of_id", "id"))
        .values("source")
    )
    own = page.alias_of_id or page.pk
    return PageViewRestriction.objects.filter(Q(page_id=own) | Q(page_id__in=sources))


ROUTES_LIKE_PAGE = {Page.route}
