"""A page of results is served from the shared cache (search.selectors, CACHE_SECONDS): keyed by
the words, filters, page, language and the user's grants, under the index's generation, and
never past the end of a document it shows. Database backend only (Elasticsearch answers are not
cached)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

import search
from search.models import SearchDocument
from search.selectors import CACHE_SECONDS
from tests.search.conftest import titles_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed_db(demo, db, settings):
    from search.services import index_rebuild

    settings.ELASTICSEARCH_URL = ""
    index_rebuild()
    return demo


def search_queries(user, text, **filters):
    with CaptureQueriesContext(connection) as queries:
        results = search.query(user, text, filters, 1)
    searched = [q for q in queries.captured_queries if "search_searchdocument" in q["sql"]]
    return results, len(searched)


def test_the_same_search_again_asks_the_database_nothing(indexed_db):
    first, asked = search_queries(None, "就业")
    assert asked and first.total
    again, asked_again = search_queries(None, "就业")
    assert asked_again == 0
    assert titles_of(again) == titles_of(first) and again.total == first.total
    assert [(f.name, [(o.value, o.count) for o in f.options]) for f in again.facets] == [
        (f.name, [(o.value, o.count) for o in f.options]) for f in first.facets
    ]


def test_people_with_other_grants_never_share_an_answer(indexed_db):
    public = search.query(None, "矫正小组", {}, 1)
    coordinator = search.query(indexed_db.coordinator, "矫正小组", {}, 1)
    other = search.query(indexed_db.other_coordinator, "矫正小组", {}, 1)
    assert "group" not in {h.kind for h in public.hits}
    assert {h.kind for h in coordinator.hits} & {"group"}
    assert set(titles_of(coordinator)).isdisjoint(
        {t for t, h in zip(titles_of(other), other.hits, strict=True) if h.kind == "group"}
    )
    # And in that order again, now from the cache.
    assert titles_of(search.query(None, "矫正小组", {}, 1)) == titles_of(public)
    again = search.query(indexed_db.coordinator, "矫正小组", {}, 1)
    assert titles_of(again) == titles_of(coordinator)


def test_filters_pages_and_languages_have_answers_of_their_own(indexed_db):
    everything = search.query(None, "就业", {}, 1)
    jobs = search.query(None, "就业", {"kind": "job"}, 1)
    assert {h.kind for h in jobs.hits} == {"job"} and jobs.total < everything.total
    with override("en"):
        english = search.query(None, "就业", {}, 1)
    with override("zh-hans"):
        chinese = search.query(None, "就业", {}, 1)
    assert english.hits[0].kind_label != chinese.hits[0].kind_label


def test_a_write_to_the_index_is_seen_at_once(indexed_db, django_capture_on_commit_callbacks):
    from curriculum.models import LessonPage

    assert "醉驾的法律后果" in titles_of(search.query(None, "醉驾", {}, 1))
    with django_capture_on_commit_callbacks(execute=True):
        LessonPage.objects.get(title="醉驾的法律后果").unpublish()
    assert "醉驾的法律后果" not in titles_of(search.query(None, "醉驾", {}, 1))


def test_an_answer_is_not_kept_past_the_end_of_a_document_it_shows(indexed_db, monkeypatch):
    job = SearchDocument.objects.filter(kind="job", until__isnull=False).first()
    soon = timezone.now() + timedelta(seconds=40)
    SearchDocument.objects.filter(pk=job.pk).update(until=soon)
    kept = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: kept.append(timeout))
    search.query(None, job.title, {"kind": "job"}, 1)
    assert kept and 0 < kept[0] <= 40
    kept.clear()
    search.query(None, "入矫第一课", {"kind": "lesson"}, 1)  # lessons have no end
    assert kept == [CACHE_SECONDS]


def test_the_page_is_the_same_from_the_cache(indexed_db, client):
    from django.urls import reverse

    from search.backends import get_backend
    from search.documents import Doc

    def found_part(response):
        html = response.content.decode()
        return html[html.index('<div class="search-layout">') : html.index("</main>")]

    url = reverse("search:results")
    first = found_part(client.get(url, {"q": "就业"}))
    again = found_part(client.get(url, {"q": "就业"}))
    assert again == first and "search-hit" in again
    # The page links repeat the whole query string, so another one has a rendering of its own.
    get_backend().upsert(
        [
            Doc(kind="lesson", object_id=10_000 + i, title=f"社区矫正专题课程{i}",
                body="社区矫正", url=f"/x/{i}/", acl=["public"])
            for i in range(30)
        ]
    )  # fmt: skip
    several = client.get(url, {"q": "矫正", "from": "home"}).content.decode()
    assert 'rel="next" href="?q=%E7%9F%AB%E6%AD%A3&amp;from=home&amp;page=2"' in several
    assert 'rel="next" href="?q=%E7%9F%AB%E6%AD%A3&amp;page=2"' in (
        client.get(url, {"q": "矫正"}).content.decode()
    )


def _expired_while_another_works_it_out(user, text):
    """The answer for `text` as kept, then gone from the cache (it expired) while another request
    is working it out (it holds the key that says so)."""
    first = search.query(user, text, {}, 1)
    kept = cache.get(first.cache_key)
    cache.delete(first.cache_key)
    cache.add(f"{first.cache_key}.making", 1)
    return first, kept


def test_a_search_waits_for_the_request_already_working_the_same_answer_out(indexed_db):
    first, kept = _expired_while_another_works_it_out(indexed_db.coordinator, "就业")

    def the_other_request_finishes():
        time.sleep(0.3)
        cache.set(first.cache_key, kept, CACHE_SECONDS)
        cache.delete(f"{first.cache_key}.making")

    other = threading.Thread(target=the_other_request_finishes)
    other.start()
    again, asked = search_queries(indexed_db.coordinator, "就业")
    other.join()
    assert asked == 0
    assert titles_of(again) == titles_of(first) and again.total == first.total


def test_a_search_works_the_answer_out_itself_when_the_other_request_gives_up(
    indexed_db, monkeypatch
):
    from portal import page_cache

    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.3)
    first, _kept = _expired_while_another_works_it_out(indexed_db.coordinator, "就业")
    again, asked = search_queries(indexed_db.coordinator, "就业")  # the other never finishes
    assert asked and titles_of(again) == titles_of(first)
    # ... and keeps it for the next.
    assert search_queries(indexed_db.coordinator, "就业")[1] == 0
