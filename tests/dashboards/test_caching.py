"""The cached dashboard body (dashboards.caching): the same page for everyone who may see the
region, read without the figures' queries, checked against the reader's right on every request,
and fresh as soon as a recompute stores a changed figure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dashboards import caching
from dashboards.models import MonthFigure
from dashboards.services import figures_recompute_all
from portal.models import StaffRole
from tests.dashboards.conftest import CITY, PROVINCE, TIANHE, YUEXIU, A, staff

pytestmark = pytest.mark.django_db
COORDINATOR, OBSERVER = StaffRole.Role.COORDINATOR, StaffRole.Role.OBSERVER


def url(code, query=""):
    return reverse("dashboards:region", args=[code]) + query


def body(html: str) -> str:
    return html.split('<div class="dashboard">')[1].split("</main>")[0]


def figure_queries(client, path) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(path)
    assert page.status_code == 200
    read = [q["sql"] for q in captured.captured_queries if "dashboards_monthfigure" in q["sql"]]
    return page.content.decode(), len(read)


@pytest.fixture
def figures(county_world):
    figures_recompute_all()
    return county_world


def test_the_second_reader_gets_the_same_page_without_reading_the_figures(figures, client_for):
    first = client_for(staff(OBSERVER, CITY, figures.regions))
    second = client_for(staff(COORDINATOR, PROVINCE, figures.regions))
    cold, read_cold = figure_queries(first, url(TIANHE))
    warm, read_warm = figure_queries(second, url(TIANHE))
    assert read_cold == 3 and read_warm == 0
    assert body(warm) == body(cold)
    # The page around the body is still the reader's own.
    assert warm.count("logout") == cold.count("logout")


def test_the_right_is_checked_before_the_cache(figures, client_for):
    client_for(staff(OBSERVER, PROVINCE, figures.regions)).get(url(TIANHE))
    for outsider in (
        staff(OBSERVER, YUEXIU, figures.regions),
        staff(COORDINATOR, A, figures.regions),
    ):
        assert client_for(outsider).get(url(TIANHE)).status_code == 404
    assert client_for(None).get(url(TIANHE)).status_code == 302


def test_a_stored_change_shows_at_once(figures, client_for):
    client = client_for(staff(OBSERVER, CITY, figures.regions))
    # A figure gone wrong behind the recompute's back (A holds 2 open groups, not 40)...
    MonthFigure.objects.filter(region__code=A, key="groups.open", month=figures.clock.this).update(
        value=40
    )
    assert "在册矫正小组</th><td>41</td>" in client.get(url(TIANHE)).content.decode()
    assert "在册矫正小组</th><td>41</td>" in client.get(url(TIANHE)).content.decode()
    # ...is repaired by the next recompute, and the cached page with it.
    figures_recompute_all()
    assert "在册矫正小组</th><td>3</td>" in client.get(url(TIANHE)).content.decode()


def test_the_generation_moves_only_when_a_figure_changed(figures):
    def stamp():
        return caching.read(figures.regions[TIANHE], figures.clock.this, "", True)[1][1]

    before = stamp()
    figures_recompute_all()  # nothing changed since the fixture's
    assert stamp() == before
    MonthFigure.objects.filter(region__code=A, key="groups.open").delete()
    figures_recompute_all()
    assert stamp() != before


def test_each_language_sort_and_month_has_its_own_body(figures, client_for):
    client = client_for(staff(OBSERVER, CITY, figures.regions))
    chinese = body(client.get(url(CITY)).content.decode())
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = body(client.get(url(CITY)).content.decode())
    assert "Open groups" in english and "在册矫正小组" in chinese
    del client.cookies["django_language"]
    month = f"{figures.clock.this:%Y-%m}"
    sorted_page = body(
        client.get(url(CITY, f"?month={month}&sort=groups.open&dir=asc")).content.decode()
    )
    assert 'aria-sort="ascending"' in sorted_page and 'aria-sort="ascending"' not in chinese
    last = body(client.get(url(CITY, f"?month={figures.clock.last:%Y-%m}")).content.decode())
    assert f'value="{figures.clock.last:%Y-%m}"' in last


def test_an_unknown_sort_is_shown_back_and_not_cached(figures, client_for):
    client = client_for(staff(OBSERVER, CITY, figures.regions))
    for _ in range(2):
        html, read = figure_queries(client, url(CITY, "?sort=nonsense"))
        assert read == 3
        assert 'data-sort="nonsense"' in html


def test_without_a_cache_the_page_is_the_same(figures, client_for, settings):
    client = client_for(staff(OBSERVER, CITY, figures.regions))
    cached = body(client.get(url(TIANHE)).content.decode())
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(2):
        html, read = figure_queries(client, url(TIANHE))
        assert read == 3
        assert body(html) == cached
