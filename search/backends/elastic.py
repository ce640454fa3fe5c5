"""The Elasticsearch backend, through elasticsearch.dsl.

One Document class per kind with an explicit mapping; each kind lives in its own index behind an
alias (`<prefix>-<kind>`), so a rebuild fills a new index and swaps the alias in one atomic call
while searches go on against the old one. The text fields hold the same jieba tokens as the
database backend, split on whitespace only, so both backends find the same documents.
Snippets are cut in Python from the stored original text (search.text.snippet), as for the
database backend.
"""

import logging

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch.dsl import Date, Document, Index, Keyword, Long, Q, Search, Text, analyzer

from search.backends import FACETS, Found, Query, Row, SearchUnavailable, index_changed
from search.documents import KINDS, Doc

logger = logging.getLogger(__name__)
FACET_SIZE = 50
# Pre-segmented tokens: split on spaces, lower-case, nothing else (search.text did the rest).
TOKENS = analyzer("portal_tokens", tokenizer="whitespace", filter=["lowercase"])


class PortalDocument(Document):
    """What every kind stores: the original text for display, tokens for matching, facets as
    keywords, and who may see it (search.access)."""

    kind = Keyword()
    object_id = Long()
    title = Keyword(index=False)
    body = Text(index=False)
    url = Keyword(index=False)
    region = Keyword()
    region_path = Keyword()
    industry = Keyword()
    stage = Keyword()
    acl = Keyword()
    until = Date()
    digest = Keyword(index=False)
    title_tokens = Text(analyzer=TOKENS)
    body_tokens = Text(analyzer=TOKENS)


class LessonDocument(PortalDocument):
    """Curriculum pages, live and public."""


class JobDocument(PortalDocument):
    """Open job placements of verified organisations."""


class ProgrammeDocument(PortalDocument):
    """Open programmes of verified organisations."""


class OrganisationDocument(PortalDocument):
    """Verified organisations."""


class ActivityDocument(PortalDocument):
    """Volunteer activities (coordinators; volunteers serving the region until it ends)."""


class VolunteerDocument(PortalDocument):
    """Volunteer and social-worker profiles (coordinators of their regions only)."""


class GroupDocument(PortalDocument):
    """Correction groups (coordinators of their region only); no identity is stored."""


DOCUMENTS: dict[str, type[PortalDocument]] = {
    "lesson": LessonDocument,
    "job": JobDocument,
    "programme": ProgrammeDocument,
    "organisation": OrganisationDocument,
    "activity": ActivityDocument,
    "volunteer": VolunteerDocument,
    "group": GroupDocument,
}
assert set(DOCUMENTS) == set(KINDS)


def alias_for(kind: str) -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"


def index_for(kind: str, name: str | None = None) -> Index:
    """The index of a kind (its alias, or a concrete index `name`) with settings and mapping."""
    index = Index(name or alias_for(kind))
    index.settings(number_of_shards=1)
    index.document(DOCUMENTS[kind])
    return index


def to_source(doc: Doc) -> dict:
    return DOCUMENTS[doc.kind](
        kind=doc.kind,
        object_id=doc.object_id,
        title=doc.title,
        body=doc.body,
        url=doc.url,
        region=doc.region,
        region_path=doc.region_path,
        industry=doc.industry,
        stage=doc.stage,
        acl=doc.acl,
        until=doc.until,
        digest=doc.digest,
        title_tokens=doc.title_tokens,
        body_tokens=doc.body_tokens,
    ).to_dict(skip_empty=False)


def build_search(query: Query, client=None) -> Search:
    """The search request for a query: every token in the title or the body (title boosted),
    the user's access and the facet filters as filters, facets as aggregations."""
    indices = [alias_for(query.kind)] if query.kind else [alias_for(k) for k in KINDS]
    search = Search(using=client, index=indices).params(ignore_unavailable=True)
    must = [
        Q("match", title_tokens={"query": token, "boost": 3}) | Q("match", body_tokens=token)
        for token in query.tokens
    ]
    filters = []
    grants = query.grants
    if not grants.everything:
        current = Q("range", until={"gte": query.now.isoformat()}) | ~Q("exists", field="until")
        allowed = Q("bool", filter=[Q("terms", acl=list(grants.ordinary)), current])
        if grants.staff:
            allowed = Q("terms", acl=list(grants.staff)) | allowed
        filters.append(allowed)
    for name in ("kind", "industry", "stage"):
        if getattr(query, name):
            filters.append(Q("term", **{name: getattr(query, name)}))
    if query.region_path:
        filters.append(Q("prefix", region_path=query.region_path))
    search = search.query(Q("bool", must=must, filter=filters))
    for name in FACETS if query.facets else ():
        search.aggs.bucket(name, "terms", field=name, size=FACET_SIZE)
    search = search.source(["kind", "object_id", "title", "body", "url"])
    search = search.sort("_score", "kind", "object_id")
    return search.extra(track_total_hits=True, from_=query.offset, size=query.limit)


class ElasticsearchBackend:
    name = "elasticsearch"
    _shared = None

    def __init__(self, url: str):
        self.client = Elasticsearch(url, request_timeout=10, max_retries=1)

    @classmethod
    def shared(cls) -> "ElasticsearchBackend":
        if cls._shared is None or cls._shared.url != settings.ELASTICSEARCH_URL:
            cls._shared = cls(settings.ELASTICSEARCH_URL)
            cls._shared.url = settings.ELASTICSEARCH_URL
        return cls._shared

    # --- writing -------------------------------------------------------------------------

    def ensure_index(self, kind: str) -> None:
        if not self.client.indices.exists_alias(name=alias_for(kind)):
            name = self._new_index_name(kind)
            index_for(kind, name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=alias_for(kind))

    def upsert(self, docs: list[Doc]) -> None:
        for kind in {d.kind for d in docs}:
            self.ensure_index(kind)
        actions = (
            {"_index": alias_for(d.kind), "_id": str(d.object_id), "_source": to_source(d)}
            for d in docs
        )
        # wait_for: the task returns once the change is searchable (no forced refresh).
        helpers.bulk(self.client, actions, refresh="wait_for")
        index_changed()

    def delete(self, kind: str, ids) -> None:
        if not self.client.indices.exists_alias(name=alias_for(kind)):
            return
        actions = ({"_op_type": "delete", "_index": alias_for(kind), "_id": str(i)} for i in ids)
        helpers.bulk(self.client, actions, refresh="wait_for", raise_on_error=False)
        index_changed()

    def replace_kind(self, kind: str, batches) -> int:
        """Fill a new index, then point the alias at it in one call and drop the old ones."""
        alias = alias_for(kind)
        name = self._new_index_name(kind)
        index_for(kind, name).create(using=self.client)
        count = 0
        for docs in batches:
            actions = [
                {"_index": name, "_id": str(d.object_id), "_source": to_source(d)} for d in docs
            ]
            helpers.bulk(self.client, actions)
            count += len(actions)
        self.client.indices.refresh(index=name)
        old = list(self.client.indices.get_alias(name=alias)) if self._alias_exists(alias) else []
        actions = [{"remove": {"index": o, "alias": alias}} for o in old]
        self.client.indices.update_aliases(
            actions=[*actions, {"add": {"index": name, "alias": alias}}]
        )
        for o in old:
            self.client.indices.delete(index=o)
        index_changed()
        return count

    def digests(self, kind: str) -> dict[int, str]:
        if not self._alias_exists(alias_for(kind)):
            return {}
        found = {}
        for hit in helpers.scan(
            self.client, index=alias_for(kind), query={"query": {"match_all": {}}},
            _source=["object_id", "digest"], size=1000,
        ):  # fmt: skip
            found[int(hit["_source"]["object_id"])] = hit["_source"].get("digest", "")
        return found

    def clear(self) -> None:
        names = self.client.indices.get(index=f"{settings.SEARCH_INDEX_PREFIX}-*")
        for name in names:
            self.client.indices.delete(index=name)
        index_changed()

    def _alias_exists(self, alias: str) -> bool:
        return bool(self.client.indices.exists_alias(name=alias))

    @staticmethod
    def _new_index_name(kind: str) -> str:
        return f"{alias_for(kind)}-{timezone.now():%Y%m%d%H%M%S%f}"

    # --- reading -------------------------------------------------------------------------

    def search(self, query: Query) -> Found:
        try:
            response = build_search(query, self.client).execute()
        except (ApiError, TransportError) as error:
            logger.warning("Elasticsearch search failed: %s", error)
            raise SearchUnavailable from error
        rows = [
            Row(h.kind, int(h.object_id), h.title, getattr(h, "body", ""), h.url)
            for h in response.hits
        ]
        facets = (
            {
                name: {
                    b.key: b.doc_count
                    for b in getattr(response.aggregations, name).buckets
                    if b.key
                }
                for name in FACETS
            }
            if "aggregations" in response
            else {name: {} for name in FACETS}
        )
        return Found(total=response.hits.total.value, rows=rows, facets=facets)
