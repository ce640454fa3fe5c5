"""The county dashboard in a real headless Chromium, on a phone (375 px) and a laptop (1366 px):
the charts are drawn (SVG, one bar per judicial office), the tables are there, the page drills
down to an office and back up, and the .xlsx downloads."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dashboards.services import figures_recompute_all
from portal.models import StaffRole
from tests import factories
from tests.browser import chromium, new_page
from tests.dashboards.conftest import CITY, TIANHE, A, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": 375, "laptop": 1366}
BAR_COLOURS = ("#0b5394", "#c9d3df")  # dashboard.js: a bar, and a hidden small cell's bar


@pytest.fixture
def world(home_page, county_world, monkeypatch):
    """The hand-worked counties (tests/dashboards/conftest.py), counted, and a city observer.
    Playwright runs an event loop in this thread, where Django would refuse ORM calls."""
    figures_recompute_all()
    observer = staff(StaffRole.Role.OBSERVER, CITY, county_world.regions)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return observer


def open_page(browser, base_url, width):
    if width == VIEWPORTS["phone"]:
        return new_page(browser, base_url)
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/me/$"))


def bars(page) -> int:
    """Bars the comparison chart drew: SVG paths in a bar colour."""
    return page.evaluate(
        """(colours) => Array.from(
             document.querySelectorAll('[data-chart="comparison"] svg path'))
           .filter((p) => colours.includes((p.getAttribute('fill') || '').toLowerCase()))
           .length""",
        list(BAR_COLOURS),
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_county_dashboard_draws_drills_and_exports(world, live_server, viewport):
    width = VIEWPORTS[viewport]
    with chromium() as browser:
        page = open_page(browser, live_server.url, width)
        log_in(page, world)
        page.goto(f"/dashboard/{TIANHE}/")
        expect(page.locator("h1")).to_contain_text("天河区")
        # Every section's trend chart and the comparison are drawn, as SVG, beside tables.
        expect(page.locator('[data-chart="groups"] svg')).to_have_count(1)
        expect(page.locator('[data-chart="comparison"] svg')).to_have_count(1)
        page.wait_for_function(
            "document.querySelectorAll('[data-chart=comparison] svg path').length > 0"
        )
        assert bars(page) == 2  # 石牌街司法所 and 天河南街司法所
        expect(page.locator("table.comparison tbody tr")).to_have_count(3)  # and 天河区 itself
        expect(page.locator("table.figures").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Another figure to compare: still one bar per office.
        page.select_option("#compare-figure", "service.hours")
        assert bars(page) == 2

        # Down to an office, and back up through the breadcrumb.
        page.click(f'table.comparison a[href^="/dashboard/{A}/"]')
        expect(page).to_have_url(re.compile(rf"/dashboard/{A}/\?month="))
        expect(page.locator("h1")).to_contain_text("石牌街司法所")
        expect(page.locator("main")).to_contain_text("<5")
        page.click(f'.breadcrumb a[href^="/dashboard/{TIANHE}/"]')
        expect(page).to_have_url(re.compile(rf"/dashboard/{TIANHE}/\?month="))

        with page.expect_download() as download:
            page.click(f'a[href^="/dashboard/{TIANHE}/export.xlsx"]')
        done = download.value
        assert done.suggested_filename.startswith(f"dashboard-{TIANHE}-")
        with open(done.path(), "rb") as file:  # no .xlsx suffix: openpyxl wants a stream
            book = load_workbook(io.BytesIO(file.read()))
        assert "矫正小组" in book.sheetnames
