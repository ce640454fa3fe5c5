"""What a person finds: the same tests on the database backend (SQLite FTS5 or PostgreSQL) and
on the Elasticsearch backend, the latter against a STAND-IN server (see conftest.py), asserting
on documents and facets, never on scores. Data: the demo (`seed_demo`)."""

import pytest
from django.urls import reverse

import search
from search.documents import KINDS
from search.models import SearchDocument
from tests.search.conftest import kinds_of, titles_of

pytestmark = pytest.mark.django_db


def find(user, text, **filters):
    return search.query(user, text, filters, 1)


def test_a_two_character_word_finds_the_longer_words_it_is_part_of(indexed):
    results = find(None, "矫正")
    assert "入矫第一课：认识社区矫正" in titles_of(results)
    assert {"lesson", "organisation"} <= kinds_of(results)


def test_employment_finds_the_theme_and_the_open_jobs(indexed):
    titles = titles_of(find(None, "就业"))
    assert "2026年5月：劳动精神与就业"[5:] in " ".join(titles)
    assert {"数控车床操作工", "IT运维助理"} <= set(titles)


def test_dangerous_driving_finds_the_traffic_law_lessons(indexed):
    titles = titles_of(find(None, "危险驾驶"))
    assert "醉驾的法律后果" in titles
    assert all(kind == "lesson" for kind in kinds_of(find(None, "危险驾驶")))


def test_an_english_word_and_a_mixed_query_work(indexed):
    assert titles_of(find(None, "IT")) == ["IT运维助理"]
    assert titles_of(find(None, "it 运维")) == ["IT运维助理"]


def test_every_word_must_match(indexed):
    assert titles_of(find(None, "入矫第一课 报到")) == ["入矫第一课：报到、请假与外出"]
    assert find(None, "危险驾驶 家风教育").total == 0


@pytest.mark.parametrize("word", ["就业", "矫正"])
def test_title_matches_come_before_body_matches(indexed, word):
    in_title = [word in title for title in titles_of(find(None, word))]
    assert True in in_title and False in in_title
    assert in_title == sorted(in_title, reverse=True)


def test_matches_are_highlighted_in_titles_and_snippets(indexed):
    hit = next(h for h in find(None, "危险驾驶").hits if "醉驾" in h.title)
    assert "<mark>危险驾驶</mark>" in hit.snippet


def test_facets_count_the_results_and_filter_them(indexed):
    results = find(None, "就业")
    kinds = {f.name: {o.value: o.count for o in f.options} for f in results.facets}
    assert kinds["kind"] == {"lesson": 3, "job": 2}
    assert kinds["industry"] == {"C": 1, "I": 1}
    jobs = find(None, "就业", kind="job")
    assert jobs.total == 2 and kinds_of(jobs) == {"job"}
    assert titles_of(find(None, "就业", kind="job", industry="I")) == ["IT运维助理"]
    # A region filter covers everything beneath it: Guangzhou (440100) holds the jobs.
    assert find(None, "就业", kind="job", region="440000").total == 2
    assert find(None, "就业", kind="job", region="510000").total == 0
    assert find(None, "入矫第一课", stage="entry").total == 4


def test_both_backends_index_the_same_documents(indexed, engine):
    from search.backends import get_backend

    expected = {
        kind: set(spec.queryset().values_list("pk", flat=True)) for kind, spec in KINDS.items()
    }
    backend = get_backend()
    assert {kind: set(backend.digests(kind)) for kind in KINDS} == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "矫" * 1000,
        "！？。，、；：“”（）——……",
        "title:* OR 1=1",
        "'; DROP TABLE search_searchdocument; --",
        '" OR "" = "',
        "NEAR(矫正 就业) AND * ^ ~2",
        "🙂🚗💼",
        "就业🙂",
    ],
)
def test_bad_queries_get_a_sensible_answer(indexed, client, text):
    response = client.get(reverse("search:results"), {"q": text})
    assert response.status_code == 200
    assert SearchDocument.objects.exists() or indexed  # nothing was dropped
    results = response.context["results"]
    assert results.total == 0 or results.hits


def test_unknown_facet_values_are_ignored_and_said(indexed, client):
    response = client.get(
        reverse("search:results"),
        {"q": "就业", "kind": "spaceship", "region": "999999", "industry": "ZZ", "stage": "x'--"},
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert results.total == 5 and set(results.ignored) == {"kind", "region", "industry", "stage"}


def test_a_page_past_the_end_shows_the_last_page(indexed, client):
    response = client.get(reverse("search:results"), {"q": "矫正", "page": "100000"})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.page == results.pages == 1 and results.hits
    assert client.get(reverse("search:results"), {"q": "矫正", "page": "abc"}).status_code == 200


def test_nothing_found_offers_help(indexed, client):
    response = client.get(reverse("search:results"), {"q": "危险驾驶 家风教育", "kind": "job"})
    html = response.content.decode()
    assert response.context["results"].total == 0
    assert "?q=%E5%8D%B1%E9%99%A9%E9%A9%BE%E9%A9%B6" in html  # search one word: 危险驾驶
    assert "?q=%E5%8D%B1%E9%99%A9%E9%A9%BE%E9%A9%B6%20%E5%AE%B6%E9%A3%8E%E6%95%99%E8%82%B2" in html
