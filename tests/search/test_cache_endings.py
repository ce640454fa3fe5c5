"""A kept page-1 answer across the ends of the documents it counts (search.selectors, _as_of):
once a document it does not show has ended, the same page is served with the total, the page
count and the facet counts lowered, as a fresh search would give them, without asking the
database; once one it shows has ended, the search runs again. Database backend only (its answers
are the ones kept). Time moves by patching django.utils.timezone.now (the cache's own clock does
not move, so an entry is still there to be read)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import search
from search import selectors
from search.access import Grants
from search.backends import GENERATION, Query
from search.backends.database import DatabaseBackend
from search.documents import Doc
from search.models import SearchDocument
from tests.search.conftest import titles_of

pytestmark = pytest.mark.django_db

WORD = "焊工"
JOBS = range(10, 40)  # 30 jobs, two-digit numbers: the same text, the same length, the same rank


@pytest.fixture
def t0(settings):
    settings.ELASTICSEARCH_URL = ""
    return timezone.now()


def job(number, **fields) -> Doc:
    values = {
        "kind": "job",
        "object_id": number,
        "title": f"焊工学徒岗位{number}",
        "body": "焊工 学徒 就业 技能培训",
        "url": f"/partners/jobs/{number}/",
        "region": "440100",
        "industry": "manufacturing",
        "acl": ["public"],
        **fields,
    }
    return Doc(**values)


def index(*docs: Doc) -> None:
    DatabaseBackend().upsert(list(docs))


def at(monkeypatch, moment) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def searched(text=WORD, page=1, user=None):
    """The results and how many queries asked the search table."""
    with CaptureQueriesContext(connection) as queries:
        results = search.query(user, text, {}, page)
    asked = [q for q in queries.captured_queries if "search_searchdocument" in q["sql"]]
    return results, len(asked)


def seen(results):
    """What the page shows a person: the hits, the count, the pages and every facet count."""
    return (
        titles_of(results),
        results.total,
        results.pages,
        [(f.name, [(o.value, o.count) for o in f.options]) for f in results.facets],
    )


def fresh(text=WORD, page=1):
    GENERATION.bump()  # what the search gives now, not what was kept
    return search.query(None, text, {}, page)


def test_an_ended_document_not_shown_leaves_the_counts_and_no_query_is_asked(
    t0, monkeypatch, django_assert_num_queries
):
    # The last job, the only one of its industry and city, ends in a minute; 20 of 30 are shown.
    index(
        *(job(n) for n in JOBS[:-1]),
        job(JOBS[-1], industry="mining", region="440300", until=t0 + timedelta(seconds=60)),
    )
    first, asked = searched()
    assert asked and first.total == 30 and first.pages == 2
    assert f"焊工学徒岗位{JOBS[-1]}" not in titles_of(first)

    at(monkeypatch, t0 + timedelta(seconds=61))
    with django_assert_num_queries(0):
        again = search.query(None, WORD, {}, 1)
    assert titles_of(again) == titles_of(first)
    assert again.total == 29
    facets = {f.name: {o.value: o.count for o in f.options} for f in again.facets}
    assert facets["kind"] == {"job": 29}
    assert facets["industry"] == {"manufacturing": 29}  # 采矿 had one job: its option is gone
    assert facets["region"] == {"440100": 29}
    assert seen(again) == seen(fresh())


def test_the_page_count_follows_the_total(t0, monkeypatch):
    # 21 jobs: two pages; the 21st ends, and page 1 is all there is.
    index(*(job(n) for n in JOBS[:20]), job(JOBS[20], until=t0 + timedelta(seconds=30)))
    first, _ = searched()
    assert (first.total, first.pages, first.has_next) == (21, 2, True)
    at(monkeypatch, t0 + timedelta(seconds=31))
    again, asked = searched()
    assert asked == 0
    assert (again.total, again.pages, again.has_next) == (20, 1, False)
    assert seen(again) == seen(fresh())


def test_an_ended_document_that_is_shown_is_searched_again_and_not_shown(t0, monkeypatch):
    shown_job = JOBS[3]
    index(
        *(job(n) for n in JOBS if n != shown_job),
        job(shown_job, until=t0 + timedelta(seconds=60)),
    )
    first, _ = searched()
    assert f"焊工学徒岗位{shown_job}" in titles_of(first)

    at(monkeypatch, t0 + timedelta(seconds=61))
    again, asked = searched()
    assert asked
    assert f"焊工学徒岗位{shown_job}" not in titles_of(again)
    assert again.total == 29
    assert seen(again) == seen(fresh())


def test_a_shown_document_that_ended_is_never_served_even_if_its_answer_outlived_it(
    t0, monkeypatch
):
    """Say another server's clock runs behind and kept the answer longer: the read still checks
    the endings against the page."""
    monkeypatch.setattr(
        selectors, "_kept_until", lambda found, shown, now, page: now + timedelta(seconds=300)
    )
    shown_job = JOBS[3]
    index(
        *(job(n) for n in JOBS if n != shown_job),
        job(shown_job, until=t0 + timedelta(seconds=60)),
    )
    searched()
    at(monkeypatch, t0 + timedelta(seconds=61))
    again, asked = searched()
    assert asked and f"焊工学徒岗位{shown_job}" not in titles_of(again)


def test_several_ended_documents_cost_no_query_either(t0, monkeypatch):
    index(
        *(job(n) for n in JOBS[:20]),
        *(job(n, until=t0 + timedelta(seconds=10 * i)) for i, n in enumerate(JOBS[20:], 1)),
    )
    searched()
    at(monkeypatch, t0 + timedelta(seconds=101))  # all ten ended
    again, asked = searched()
    assert asked == 0
    assert again.total == 20 and seen(again) == seen(fresh())


def kept_seconds(monkeypatch) -> list[int]:
    kept = []
    real_set = cache.set

    def spy(key, value, timeout):
        kept.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", spy)
    return kept


def test_page_one_is_kept_until_a_document_it_shows_ends_not_one_it_does_not(t0, monkeypatch):
    index(
        *(job(n) for n in JOBS if n not in (JOBS[3], JOBS[-1])),
        job(JOBS[3], until=t0 + timedelta(seconds=200)),  # shown
        job(JOBS[-1], until=t0 + timedelta(seconds=60)),  # not shown
    )
    kept = kept_seconds(monkeypatch)
    searched()
    assert len(kept) == 1 and 190 < kept[0] <= 200
    # A later page keeps today's rule: a document ranked above it that ends would shift it.
    kept.clear()
    searched(page=2)
    assert len(kept) == 1 and 0 < kept[0] <= 60


def test_with_more_endings_than_are_listed_the_answer_is_kept_until_the_last_listed(
    t0, monkeypatch
):
    monkeypatch.setattr(selectors, "ENDINGS_KEPT", 2)
    index(
        *(job(n) for n in JOBS[:20]),
        *(job(n, until=t0 + timedelta(seconds=30 * i)) for i, n in enumerate(JOBS[20:], 2)),
    )
    kept = kept_seconds(monkeypatch)
    searched()
    assert len(kept) == 1 and 80 < kept[0] <= 90  # the second ending, at 90 seconds


def test_the_count_a_person_sees_on_the_page_is_lowered_too(t0, monkeypatch, client):
    def found_part(response):
        html = response.content.decode()
        return html[html.index('<div class="search-layout">') : html.index("</main>")]

    url = reverse("search:results")
    index(
        *(job(n) for n in JOBS[:-1]),
        job(JOBS[-1], industry="mining", until=t0 + timedelta(seconds=60)),
    )
    first = found_part(client.get(url, {"q": WORD}))
    assert "(30)" in first and "(1)" in first
    at(monkeypatch, t0 + timedelta(seconds=61))
    again = found_part(client.get(url, {"q": WORD}))
    assert "(29)" in again and "(30)" not in again and "mining" not in again
    GENERATION.bump()
    assert again == found_part(client.get(url, {"q": WORD}))


def test_a_coordinator_sees_their_regions_documents_whatever_their_end(t0):
    """Only a document seen through an ordinary grant ends (search.access); the backend lists
    the endings of the searcher, not every `until`."""
    index(
        job(10),
        job(11, kind="activity", acl=["c0001", "v0001"], until=t0 + timedelta(seconds=30)),
    )

    def found_by(grants):
        return DatabaseBackend().search(
            Query(
                tokens=(WORD,),
                grants=grants,
                now=t0,
                endings_before=t0 + timedelta(seconds=300),
                endings_limit=10,
            )
        )

    coordinator = found_by(Grants(staff=("c0001",)))
    assert coordinator.total == 2 and coordinator.endings == [] and coordinator.expires is None
    volunteer = found_by(Grants(ordinary=("public", "v0001")))
    assert volunteer.total == 2
    assert [(e.kind, e.object_id) for e in volunteer.endings] == [("activity", 11)]
    assert volunteer.expires == t0 + timedelta(seconds=30)
    assert found_by(Grants(everything=True)).endings == []


def test_the_backend_lists_endings_soonest_first_with_their_facet_values(t0):
    index(
        job(10, until=t0 + timedelta(seconds=90), industry="mining", region="440300"),
        job(11, until=t0 + timedelta(seconds=30), stage="released"),
        job(12, until=t0 + timedelta(seconds=400)),  # after the window
        job(13),
    )
    found = DatabaseBackend().search(
        Query(
            tokens=(WORD,),
            grants=Grants(),
            now=t0,
            endings_before=t0 + timedelta(seconds=300),
            endings_limit=10,
        )
    )
    assert [(e.object_id, e.region, e.industry, e.stage) for e in found.endings] == [
        (11, "440100", "manufacturing", "released"),
        (10, "440300", "mining", ""),
    ]
    assert [e.until for e in found.endings] == [
        t0 + timedelta(seconds=30),
        t0 + timedelta(seconds=90),
    ]
    assert SearchDocument.objects.count() == 4
