"""What a person finds: the same tests on the database backend (SQLite FTS5 or PostgreSQL) and
on the Elasticsearch backend, the latter against a STAND-IN server (see conftest.py), asserting
on documents and facets, never on scores. Data: the demo (`seed_demo`)."""

import pytest
from django.db import transaction
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
    # Lessons: the employment theme's, the first lesson on rights, and the before-release
    # series with its lesson on employment and social security.
    assert kinds["kind"] == {"lesson": 5, "job": 2}
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
    assert results.total == 7 and set(results.ignored) == {"kind", "region", "industry", "stage"}


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


# --- kept in step with the database --------------------------------------------------------


def test_closing_a_job_removes_it_and_reopening_brings_it_back(
    indexed, django_capture_on_commit_callbacks
):
    from partners import services
    from partners.models import JobPlacement

    job = JobPlacement.objects.get(title="数控车床操作工")
    with django_capture_on_commit_callbacks(execute=True):
        services.posting_set_status(posting=job, status="closed", changed_by=indexed.partner)
    assert "数控车床操作工" not in titles_of(find(None, "数控车床"))
    with django_capture_on_commit_callbacks(execute=True):
        services.posting_set_status(posting=job, status="open", changed_by=indexed.partner)
    assert titles_of(find(None, "数控车床")) == ["数控车床操作工"]


def test_a_changed_title_is_found_by_its_new_words(indexed, django_capture_on_commit_callbacks):
    from partners.models import JobPlacement
    from portal import changes

    job = JobPlacement.objects.get(title="IT运维助理")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        JobPlacement.objects.filter(pk=job.pk).update(title="网络运维工程师助理")
        changes.announce(job, what={"updated"})  # what every write service does
    assert titles_of(find(None, "工程师")) == ["网络运维工程师助理"]
    assert find(None, "IT").total == 0


def test_the_rebuild_command_reindexes_a_kind_behind_the_alias(indexed):
    from io import StringIO

    from django.core.management import call_command

    from search.backends import get_backend

    before = set(get_backend().digests("job"))
    out = StringIO()
    call_command("search_index", "--rebuild", "--kind", "job", "--quiet", stdout=out)
    assert "job" in out.getvalue() and "2 documents" in out.getvalue()
    assert set(get_backend().digests("job")) == before
    assert {"数控车床操作工", "IT运维助理"} <= set(titles_of(find(None, "就业")))


def test_the_consistency_check_reports_drift_and_repairs_it(indexed):
    from curriculum.models import LessonPage
    from search.backends import get_backend
    from search.services import index_check

    lesson = LessonPage.objects.get(title="醉驾的法律后果")
    get_backend().delete("lesson", [lesson.pk])
    LessonPage.objects.filter(title="文明出行，从我做起").update(title="文明出行，安全回家")
    report = index_check(repair=True)
    assert report["lesson"] == {"missing": 1, "stale": 1, "extra": 0}
    assert all(drift == {"missing": 0, "stale": 0, "extra": 0} for drift in index_check().values())
    assert "醉驾的法律后果" in titles_of(find(None, "醉驾"))
    assert "文明出行，安全回家" in titles_of(find(None, "安全回家"))


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_facets_snippets_and_links(indexed, client):
    response = client.get(reverse("search:results"), {"q": "就业"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>就业</mark>" in html
    assert 'data-facet="kind" data-value="job"' in html
    jobs = client.get(reverse("search:results"), {"q": "就业", "kind": "job"})
    assert 'class="facet-selected"' in jobs.content.decode()
    assert len(jobs.context["results"].hits) == 2


def test_the_page_runs_a_fixed_number_of_queries(
    indexed, client_for, django_assert_max_num_queries
):
    from search.backends import get_backend
    from search.documents import Doc

    client = client_for(indexed.coordinator)
    url = reverse("search:results")
    with django_assert_max_num_queries(14):
        client.get(url, {"q": "矫正"})
    # Many more documents (and pages of them): the same number of queries.
    get_backend().upsert(
        [
            Doc(kind="lesson", object_id=10_000 + i, title=f"社区矫正专题课程{i}",
                body="社区矫正 就业 心理疏导", url=f"/x/{i}/", acl=["public"])
            for i in range(300)
        ]
    )  # fmt: skip
    with django_assert_max_num_queries(14):
        response = client.get(url, {"q": "矫正", "page": "3"})
    assert response.context["results"].total > 300 and response.context["results"].page == 3
