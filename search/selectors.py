"""The one search function every caller uses: `search.query(user, text, filters, page)`.

It cuts the text into words, works out what the user may see, asks the configured backend and
turns the answer into what a page shows: results with highlighted snippets, facets with labels
and counts, the page, and help when nothing was found. Bad input never reaches an engine as
syntax and never raises: unknown filter values are ignored (and named), pages out of range are
brought back into range.
"""

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from math import ceil

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Industry, Region, User
from portal.page_cache import work_out_once
from search.access import grants_for
from search.backends import (
    FACETS,
    GENERATION,
    Ending,
    Found,
    Query,
    SearchUnavailable,
    get_backend,
)
from search.documents import KINDS
from search.text import highlight, query_tokens, snippet

PAGE_SIZE = 20
# Engines page through at most 10,000 hits (Elasticsearch's default window); so do we.
MAX_RESULTS = 10_000
MAX_PAGE = MAX_RESULTS // PAGE_SIZE
# A page of results is kept in the shared cache for at most this long, keyed by everything it
# depends on (words, filters, page, the user's grants, language) and the index's generation, so
# a write to the index is seen at once. Never shared across grants: two people share an entry
# only when they may see exactly the same documents.
# Documents end (search.access, `until`), and an answer must never show one that has: page 1
# is kept with the matching documents that end within CACHE_SECONDS (ENDINGS_KEPT at most) and
# served with those that have ended taken out of its total and counts, which is what a fresh
# search gives, until one it shows ends (see _as_of); a later page is kept only until the first
# matching document ends (one ranked above it would shift the page).
CACHE_SECONDS = 300
ENDINGS_KEPT = 200
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
    # page's rendered part is kept beside them, as long (search.views), stamped with `ended`:
    # how many documents that ended since the search ran are taken out of the counts.
    cache_key: str = ""
    cached_until: datetime | None = None
    ended: int = 0

    @property
    def searched(self) -> bool:
        return bool(self.tokens)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class _Kept:
    """A cache entry: the results as the search found them, the documents of its page, and
    (page 1) the matching documents that end while the entry lives, soonest first."""

    results: SearchResults
    shown: frozenset[tuple[str, int]]
    endings: list[Ending]


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
    kept_filters, backend_filters, ignored = _clean_filters(filters or {})
    results = SearchResults(text=text, tokens=tokens, filters=kept_filters, ignored=ignored)
    if not tokens:
        return results
    page = min(_page_number(page), MAX_PAGE)
    grants = grants_for(user)
    backend = get_backend()
    key = _cache_key(backend, results, grants, backend_filters, page)
    if not key:
        return _work_out(backend, results, grants, backend_filters, page, key)
    if (served := _served(cache.get(key))) is not None:
        return served
    # A broad query coming in from many coordinators at once (its answer just expired) is
    # worked out by one request while the others wait for it.
    return work_out_once(
        f"{key}.making", [key], lambda found: _served(found.get(key)),
        lambda: _work_out(backend, results, grants, backend_filters, page, key),
    )  # fmt: skip


def _served(kept) -> SearchResults | None:
    """A kept answer as a fresh search would give it now, if it still holds."""
    return _as_of(kept, timezone.now()) if kept is not None else None


def _work_out(backend, results: SearchResults, grants, backend_filters, page, key):
    """Search the backend for `results` (its text, tokens and filters set) and keep the answer
    under `key` when it may be kept."""
    tokens = results.tokens
    now = timezone.now()

    def query_of(page) -> Query:
        return Query(
            tokens=tuple(tokens),
            grants=grants,
            now=now,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            # Page 1 is kept across the ends of documents it does not show (_as_of).
            endings_before=now + timedelta(seconds=CACHE_SECONDS) if page == 1 else None,
            endings_limit=ENDINGS_KEPT if page == 1 else 0,
            **backend_filters,
        )

    try:
        found = backend.search(query_of(page))
        pages = _pages(found.total)
        if found.total and page > pages:
            # Past the end (?page=100000): show the last page rather than nothing.
            page = pages
            found = backend.search(query_of(page))
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
    results.facets = _facets(found.facets, results.filters)
    if key and found.timed:
        shown = frozenset((row.kind, row.object_id) for row in found.rows)
        until = _kept_until(found, shown, now, page)
        # From the search's start, as the endings were listed; the cache's clock starts later,
        # at the set, so _as_of serves nothing past cached_until.
        seconds = int((until - now).total_seconds())
        if seconds > 0:
            results.cache_key, results.cached_until = key, now + timedelta(seconds=seconds)
            # Only endings before the entry's own end can ever be taken out of it.
            endings = [e for e in found.endings if e.until < results.cached_until]
            cache.set(key, _Kept(results, shown, endings), seconds)
    return results


def _pages(total: int) -> int:
    return min(ceil(total / PAGE_SIZE), MAX_PAGE)


def _kept_until(found: Found, shown: frozenset, now: datetime, page: int) -> datetime:
    """Until when an answer may be kept: CACHE_SECONDS at most. Page 1: until a document it
    shows ends, or the last ending listed when the list is full (the ones after it are not
    known). Another page: until any matching document ends."""
    ends = [now + timedelta(seconds=CACHE_SECONDS)]
    if page == 1:
        ends += [e.until for e in found.endings if (e.kind, e.object_id) in shown]
        if len(found.endings) >= ENDINGS_KEPT:
            ends.append(found.endings[-1].until)
    elif found.expires is not None:
        ends.append(found.expires)
    return min(ends)


def _as_of(kept: _Kept, now: datetime) -> SearchResults | None:
    """The kept page-1 answer as a fresh search would give it now, or None when a document it
    shows has ended (search again).

    A document visible to the searcher is ranked by itself alone (ts_rank, or bm25 over the
    whole FTS table, which an end does not change), after which kind and id break ties: the
    order is total and fixed, so one that ends below page 1 leaves page 1 as it was, and only
    the total, the page count and the facet counts lose it. An entry lives no longer than its
    first shown ending (_kept_until); the checks below hold even if clocks disagree."""
    results = kept.results
    if now >= results.cached_until:  # its end has passed; the cache drops it a little later
        return None
    ended = [e for e in kept.endings if e.until < now]  # visible while until >= now
    if not ended:
        return results
    if any((e.kind, e.object_id) in kept.shown for e in ended):
        return None
    counts = {f.name: {o.value: o.count for o in f.options} for f in results.facets}
    for doc in ended:
        for name in FACETS:
            value = getattr(doc, name)
            if value in counts.get(name, {}):
                counts[name][value] -= 1
    labels = {f.name: {o.value: o.label for o in f.options} for f in results.facets}
    total = results.total - len(ended)
    return replace(
        results,
        total=total,
        pages=_pages(total),
        facets=_facet_list(counts, labels, results.filters),
        ended=len(ended),
    )


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
    return f"search.kept.{GENERATION.value()}.{digest}"


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
    return _facet_list(counts, labels, selected)


def _facet_list(counts, labels, selected: dict[str, str]) -> list[Facet]:
    """The facets as shown: each value counted (none of 0), most first; a selected facet even
    when nothing is left in it."""
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
            if count > 0
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
