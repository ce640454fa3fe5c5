"""GET /search/?q=...&kind=&region=&industry=&stage=&page= (DESIGN.md, stable contracts)."""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

import search
from portal.page_cache import keep_stamped, read_stamped
from search.backends import FACETS


@require_GET
def results(request):
    params = request.GET
    found = search.query(
        request.user,
        params.get("q", ""),
        {name: params.get(name, "") for name in FACETS},
        params.get("page", 1),
    )
    status = 503 if found.unavailable else 200
    context = {"results": found}
    if found.searched and not found.unavailable:
        context["found_html"] = _found_html(request, found)
    return render(request, "search/results.html", context, status=status)


def _found_html(request, found) -> str:
    """The facets, hits and pages, rendered; kept beside cached results (same key, same end),
    with the whole query string in the key: the page links repeat it. Stamped with the results
    it shows: their end (each search's own) and how many ended documents they leave out
    (search.selectors), so the same results with lower counts are rendered again, and that
    rendering replaces this one."""
    slot = None
    if found.cache_key and found.cached_until:
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        key = f"{found.cache_key}.html.{hashlib.sha256(query.encode()).hexdigest()[:32]}"
        stamp = (found.cached_until.timestamp(), found.ended)
        html, slot = read_stamped(key, stamp, cache.get_many([key]))
        if html is not None:
            return html
    base = reverse("search:results")
    for facet in found.facets:
        for option in facet.options:
            # A facet link sets its value (or, when it is the one selected, removes it) and
            # goes back to page 1.
            chosen = {**found.filters, facet.name: "" if option.selected else option.value}
            link = {"q": found.text, **{k: v for k, v in chosen.items() if v}}
            option.url = f"{base}?{urlencode(link)}"
    # Rendered without the request, so the site's context processors (the menu) run once, for
    # the page: the page links are the query string with another page, as {% querystring %}.
    html = render_to_string(
        "search/found.html",
        {
            "results": found,
            "previous_url": _with_page(request, found.page - 1),
            "next_url": _with_page(request, found.page + 1),
        },
    )
    if slot:
        seconds = int((found.cached_until - timezone.now()).total_seconds())
        if seconds > 0:
            keep_stamped(slot, html, seconds)
    return html


def _with_page(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = page
    return f"?{params.urlencode()}"
