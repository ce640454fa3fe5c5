"""The one search function every caller uses: `search.query(user, text, filters, page)`.

It cuts the text into words, works out what the user may see, asks the configured backend and
turns the answer into what a page shows: results with highlighted snippets, facets with labels
and counts, the page, and help when nothing was found. Bad input never reaches an engine as
syntax and never raises: unknown filter values are ignored (and named), pages out of range are
brought back into range.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Industry, Region, User
from search.access import grants_for
from search.backends import FACETS, GENERATION, Query, SearchUnavailable, get_backend
from search.documents import KINDS
from search.text import highlight, query_tokens, snippet

PAGE_SIZE = 20
# Engines page through at most 10,000 hits (Elasticsearch's default window); so do we.
MAX_RESULTS = 10_000
MAX_PAGE = MAX_RESULTS // PAGE_SIZE
# A page of results is kept in the shared cache for at most this long, keyed by everything it
# depends on (words, filters, page, the user's grants, language) and the index's generation, so
# a write to the index is seen at once; the backend says when a shown document ends (`until`)
# and the entry does not outlive that. Never shared across grants: two people share an entry
# only when they may see exactly the same documents.
CACHE_SECONDS = 300
FACET_LABELS = {
    "kind": _("Kind"),
    "region": _("Region"),
    "industry": _("Industry"),
    "stage": _("Stage"),
}
STAGE_LABELS = {
    "entry": _("Entry"),
    "active": _("In correction"),
    "pre_release": _("Before release"),
    "released": _("Released"),
}


@dataclass
class Hit:
    kind: str
    kind_label: str
    object_id: int
    title: SafeString
    snippet: SafeString
    url: str


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]


@dataclass
class SearchResults:
    text: str
    tokens: list[str]
    filters: dict[str, str]
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: list[Facet] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unavailable: bool = False
    # Where these results are kept in the cache and until when ("" and None: not kept); the
    # page's rendered part is kept beside them, as long (search.views).
    cache_key: str = ""
    cached_until: datetime | None = None

    @property
    def searched(self) -> bool:
        return bool(self.tokens)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _clean_filters(filters: dict) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The filters that name something real, their backend form, and the names ignored."""
    kept, backend, ignored = {}, {}, []
    for name in FACETS:
        value = str((filters or {}).get(name) or "").strip()[:40]
        if not value:
            continue
        if name == "kind" and value in KINDS:
            backend["kind"] = value
        elif name == "stage" and value in STAGE_LABELS:
            backend["stage"] = value
        elif name == "industry" and Industry.objects.filter(code=value).exists():
            backend["industry"] = value
        elif name == "region" and (path := _region_path(value)):
            backend["region_path"] = path
        else:
            ignored.append(name)
            continue
        kept[name] = value
    return kept, backend, ignored


def _region_path(code: str) -> str:
    if not code.isdigit():
        return ""
    return Region.objects.filter(code=code).values_list("path", flat=True).first() or ""


def _page_number(page) -> int:
    try:
        return max(1, int(str(page)[:7]))
    except (TypeError, ValueError):
        return 1


def search_query(
    user: User | None, text: str, filters: dict | None = None, page=1
) -> SearchResults:
    """Search what `user` may see for `text`, narrowed by `filters` (kind, region, industry,
    stage), `page` of PAGE_SIZE. Never raises for bad input."""
    text = (text or "").strip()
    tokens = query_tokens(text)
    kept, backend_filters, ignored = _clean_filters(filters or {})
    results = SearchResults(text=text, tokens=tokens, filters=kept, ignored=ignored)
    if not tokens:
        return results
    page = min(_page_number(page), MAX_PAGE)
    grants = grants_for(user)
    backend = get_backend()
    key = _cache_key(backend, results, grants, backend_filters, page)
    cached = cache.get(key) if key else None
    if cached is not None:
        return cached
    query = Query(
        tokens=tuple(tokens),
        grants=grants,
        now=timezone.now(),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        **backend_filters,
    )
    try:
        found = backend.search(query)
        pages = min(ceil(found.total / PAGE_SIZE), MAX_PAGE)
        if found.total and page > pages:
            # Past the end (?page=100000): show the last page rather than nothing.
            page = pages
            found = backend.search(Query(**{**query.__dict__, "offset": (page - 1) * PAGE_SIZE}))
    except SearchUnavailable:
        results.unavailable = True
        return results
    results.total, results.page, results.pages = found.total, page, pages
    results.hits = [
        Hit(
            kind=row.kind,
            kind_label=str(KINDS[row.kind].label),
            object_id=row.object_id,
            title=SafeString(highlight(row.title, tokens)),
            snippet=snippet(row.body, tokens),
            url=row.url,
        )
        for row in found.rows
        if row.kind in KINDS
    ]
    results.facets = _facets(found.facets, kept)
    if key and found.timed:
        seconds = CACHE_SECONDS
        if found.expires is not None:
            seconds = min(seconds, int((found.expires - query.now).total_seconds()))
        if seconds > 0:
            results.cache_key, results.cached_until = key, query.now + timedelta(seconds=seconds)
            cache.set(key, results, seconds)
    return results


def _cache_key(backend, results: SearchResults, grants, backend_filters, page) -> str:
    """The key of one page of results, or "" for a backend whose answers are not cached."""
    if backend.name != "database":
        return ""
    raw = json.dumps(
        [
            results.text,
            results.tokens,
            sorted(results.filters.items()),
            sorted(backend_filters.items()),
            results.ignored,
            page,
            [grants.everything, sorted(grants.ordinary), sorted(grants.staff)],
            get_language(),
        ],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"search.results.{GENERATION.value()}.{digest}"


def _facets(counts: dict[str, dict[str, int]], selected: dict[str, str]) -> list[Facet]:
    labels = {
        "kind": {k: str(spec.label) for k, spec in KINDS.items()},
        "stage": {k: str(v) for k, v in STAGE_LABELS.items()},
        "region": dict(
            Region.objects.filter(code__in=counts.get("region", {})).values_list("code", "name")
        ),
        "industry": {
            i.code: str(i) for i in Industry.objects.filter(code__in=counts.get("industry", {}))
        },
    }
    facets = []
    for name in FACETS:
        options = [
            FacetOption(
                value=value,
                label=labels[name].get(value, value),
                count=count,
                selected=selected.get(name) == value,
            )
            for value, count in sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if options or name in selected:
            facets.append(Facet(name=name, label=str(FACET_LABELS[name]), options=options))
    return facets


def search_ids(user: User | None, text: str, *, kind: str, limit: int = 1000) -> list[int] | None:
    """The same search as search_query, for one kind and ids only, so a list page's keyword box
    finds what /search/ finds (jieba words, the same permissions). None: no words, no narrowing;
    an engine that does not answer narrows to nothing rather than failing the page."""
    tokens = query_tokens((text or "").strip())
    if not tokens:
        return None
    query = Query(
        tokens=tuple(tokens),
        grants=grants_for(user),
        now=timezone.now(),
        kind=kind,
        limit=limit,
        facets=False,
    )
    try:
        found = get_backend().search(query)
    except SearchUnavailable:
        return []
    return [row.object_id for row in found.rows if row.kind == kind]
