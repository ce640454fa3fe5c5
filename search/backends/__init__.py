"""The two search backends behind search.query (DESIGN.md, settings contract): Elasticsearch
when ELASTICSEARCH_URL is set, the database otherwise. Both take the same Query and answer
with the same Found, so callers never know which one ran."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from portal.page_cache import Generation
from search.access import Grants

FACETS = ("kind", "region", "industry", "stage")


@dataclass(frozen=True)
class Query:
    tokens: tuple[str, ...]
    grants: Grants
    now: datetime
    kind: str = ""
    region_path: str = ""
    industry: str = ""
    stage: str = ""
    offset: int = 0
    limit: int = 20
    facets: bool = True  # False: rows only (a list page's search box needs no counts)
    # With the facets, the backend also lists the matching documents whose end (for this
    # searcher) comes before `endings_before`, soonest first, at most `endings_limit` of them:
    # a page-1 answer stays exact across their ends by taking them out of its counts
    # (search.selectors). 0: none asked for.
    endings_before: datetime | None = None
    endings_limit: int = 0


@dataclass
class Row:
    kind: str
    object_id: int
    title: str
    body: str
    url: str


@dataclass(frozen=True)
class Ending:
    """A matching document that the searcher sees no longer once `until` has passed, with the
    values the facet counts group it by."""

    until: datetime
    kind: str
    object_id: int
    region: str
    industry: str
    stage: str


@dataclass
class Found:
    total: int
    rows: list[Row]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # When the backend says so (timed): the first moment a matching document stops being
    # visible to the searcher (its `until`; a staff grant sees a document whatever its end),
    # None when none will; the answer holds until then or a change.
    timed: bool = False
    expires: datetime | None = None
    endings: list[Ending] = field(default_factory=list)  # as Query.endings_before asks


# Raised by every write to an index, so answers cached under the old number are never read again.
GENERATION = Generation("search.generation")


def index_changed() -> None:
    """An index was written: answers cached under the old number are stale (at once and after
    the commit, portal.page_cache.Generation.changed)."""
    GENERATION.changed()


class SearchUnavailable(Exception):
    """The engine did not answer; the page says so instead of showing its error."""


def get_backend():
    if settings.ELASTICSEARCH_URL:
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend.shared()
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()
