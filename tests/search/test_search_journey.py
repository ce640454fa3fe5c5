"""Searching on a phone, in a real headless Chromium: type a Chinese word into the search box,
read the highlighted results, narrow them with the kind facet, and take the facet off again.
(The database backend: a live server cannot see a test's uncommitted transaction, so this test
commits its data, and the Elasticsearch stand-in is covered by the behavioural tests.)"""

import random
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from partners.models import JobPlacement, Organisation
from partners.scale import create_jobs, create_organisations
from search.documents import KINDS
from search.services import index_rebuild
from tests.browser import chromium, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def page(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield new_page(browser, live_server.url, locale="zh-CN")


@pytest.fixture
def postings(regions, reference_data):
    """Two verified companies and their jobs (some open, some closed), indexed."""
    rng = random.Random(9)
    organisations = create_organisations(2, rng=rng)
    create_jobs(12, rng=rng, organisations=organisations)
    index_rebuild()
    open_jobs = KINDS["job"].queryset().count()
    assert 0 < open_jobs < JobPlacement.objects.count()
    return {"organisations": Organisation.objects.count(), "open_jobs": open_jobs}


def test_a_visitor_searches_in_chinese_and_narrows_by_kind(page, postings):
    page.goto("/search/")
    page.get_by_role("searchbox").first.fill("有限公司")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=" + re.escape(quote("有限公司"))))
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(postings["organisations"] + postings["open_jobs"])
    expect(page.locator(".search-hit mark").first).to_have_text("有限公司")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    job_facet = page.locator('a[data-facet="kind"][data-value="job"]')
    expect(job_facet).to_contain_text(f"({postings['open_jobs']})")
    job_facet.click()
    expect(page).to_have_url(re.compile(r"kind=job"))
    expect(hits).to_have_count(postings["open_jobs"])
    expect(page.locator(".search-kind")).to_have_text(["就业岗位"] * postings["open_jobs"])
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-phone.png"), full_page=True)

    page.locator('a.facet-selected[data-facet="kind"]').click()
    expect(page).not_to_have_url(re.compile(r"kind=job"))
    expect(hits).to_have_count(postings["organisations"] + postings["open_jobs"])
