"""GET /search/?q=...&kind=&region=&industry=&stage=&page= (DESIGN.md, stable contracts)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

import search
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
    base = reverse("search:results")
    for facet in found.facets:
        for option in facet.options:
            # A facet link sets its value (or, when it is the one selected, removes it) and
            # goes back to page 1.
            chosen = {**found.filters, facet.name: "" if option.selected else option.value}
            query = {"q": found.text, **{k: v for k, v in chosen.items() if v}}
            option.url = f"{base}?{urlencode(query)}"
    status = 503 if found.unavailable else 200
    return render(request, "search/results.html", {"results": found}, status=status)
