"""The Elasticsearch backend without a server: the mappings it creates and the requests it
sends (a real cluster runs in docker-compose.yml; CI also runs the behavioural tests against a
stand-in server, see conftest.py)."""

from datetime import UTC, datetime

import pytest

from search.access import Grants
from search.backends import Query
from search.backends.elastic import DOCUMENTS, alias_for, build_search, index_for, to_source
from search.documents import KINDS, Doc

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def query(**fields):
    return Query(tokens=("矫正", "就业"), grants=Grants(), now=NOW, **fields)


def test_there_is_a_document_class_for_every_kind_with_the_same_explicit_mapping():
    assert set(DOCUMENTS) == set(KINDS)
    mappings = {kind: doc._doc_type.mapping.to_dict() for kind, doc in DOCUMENTS.items()}
    first = mappings["lesson"]["properties"]
    assert all(m["properties"] == first for m in mappings.values())
    assert first["title_tokens"] == {"type": "text", "analyzer": "portal_tokens"}
    assert first["body_tokens"] == {"type": "text", "analyzer": "portal_tokens"}
    for facet in ("kind", "region", "region_path", "industry", "stage", "acl"):
        assert first[facet] == {"type": "keyword"}
    assert first["until"] == {"type": "date"}
    # Shown, never searched: the original text is stored but not indexed.
    assert first["body"] == {"type": "text", "index": False}
    assert first["title"] == {"type": "keyword", "index": False}


def test_the_index_splits_pre_segmented_tokens_on_whitespace_only(settings):
    settings.SEARCH_INDEX_PREFIX = "portal"
    body = index_for("job", "portal-job-20261126").to_dict()
    analyzer = body["settings"]["analysis"]["analyzer"]["portal_tokens"]
    assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    assert alias_for("job") == "portal-job"


def test_a_document_carries_tokens_facets_and_access():
    doc = Doc(
        kind="job", object_id=7, title="IT运维助理", body="就业岗位 提供岗前培训",
        url="/partners/jobs/7/", region="440100", region_path="00010001", industry="I",
        acl=["public"], until=NOW,
    )  # fmt: skip
    source = to_source(doc)
    assert source["title_tokens"] == "it 运维 助理"
    assert "就业" in source["body_tokens"].split() and "培训" in source["body_tokens"].split()
    assert source["acl"] == ["public"] and source["industry"] == "I"
    assert source["digest"] == doc.digest


def test_every_word_must_match_in_the_title_or_the_body_and_the_title_counts_more(settings):
    settings.SEARCH_INDEX_PREFIX = "portal"
    body = build_search(query()).to_dict()
    must = body["query"]["bool"]["must"]
    assert len(must) == 2
    first = must[0]["bool"]["should"]
    assert {"match": {"title_tokens": {"query": "矫正", "boost": 3}}} in first
    assert {"match": {"body_tokens": "矫正"}} in first
    assert body["track_total_hits"] is True
    assert set(body["aggs"]) == {"kind", "region", "industry", "stage"}
    assert body["sort"] == ["_score", "kind", "object_id"]


def test_the_public_sees_public_documents_that_have_not_ended():
    body = build_search(query()).to_dict()
    (access,) = body["query"]["bool"]["filter"]
    clauses = access["bool"]["filter"]
    assert {"terms": {"acl": ["public"]}} in clauses
    ended = next(c for c in clauses if "bool" in c)["bool"]["should"]
    assert {"range": {"until": {"gte": NOW.isoformat()}}} in ended


def test_a_coordinator_also_sees_their_region_whatever_its_end():
    grants = Grants(ordinary=("public",), staff=("c0001", "c00010002"))
    body = build_search(Query(tokens=("矫正",), grants=grants, now=NOW)).to_dict()
    (access,) = body["query"]["bool"]["filter"]
    assert {"terms": {"acl": ["c0001", "c00010002"]}} in access["bool"]["should"]


def test_an_admin_has_no_access_filter_and_facet_filters_are_filters(settings):
    settings.SEARCH_INDEX_PREFIX = "portal"
    everything = Query(
        tokens=("矫正",), grants=Grants(everything=True), now=NOW, kind="job", industry="C",
        stage="active", region_path="00010002",
    )  # fmt: skip
    body = build_search(everything).to_dict()
    assert body["query"]["bool"]["filter"] == [
        {"term": {"kind": "job"}},
        {"term": {"industry": "C"}},
        {"term": {"stage": "active"}},
        {"prefix": {"region_path": "00010002"}},
    ]


@pytest.mark.parametrize("page", [1, 3])
def test_pages_are_from_and_size(page):
    body = build_search(query(offset=(page - 1) * 20, limit=20)).to_dict()
    assert body["from"] == (page - 1) * 20 and body["size"] == 20


def test_a_kind_filter_searches_that_kind_s_alias_only(settings):
    settings.SEARCH_INDEX_PREFIX = "portal"
    assert build_search(query(kind="lesson"))._index == ["portal-lesson"]
    assert set(build_search(query())._index) == {f"portal-{k}" for k in KINDS}


@pytest.mark.django_db
def test_an_engine_that_does_not_answer_gets_a_plain_message_not_its_error(settings, client):
    from django.urls import reverse

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.get(reverse("search:results"), {"q": "就业"})
    assert response.status_code == 503
    assert response.context["results"].unavailable
    assert "Connection" not in response.content.decode()


def test_a_list_page_s_search_box_asks_for_rows_without_facet_counts():
    assert set(build_search(query()).to_dict()["aggs"]) == {"kind", "region", "industry", "stage"}
    assert "aggs" not in build_search(query(kind="job", limit=1000, facets=False)).to_dict()
