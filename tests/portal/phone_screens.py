"""The phone home of each role, photographed from the real pages for the README ("Phone home"):
the demo data (`seed_demo`), the live server and Chromium at 375 px. Not named test_*.py, so
the suite never collects it (it rewrites docs/screens/home-<role>.png, and CI allows no skips):
run it by its path, `pytest tests/portal/phone_screens.py`."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser import chromium, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
LOGINS = {
    "volunteer": "volunteer@demo.portal.cn",
    "social-worker": "socialworker@demo.portal.cn",
    "coordinator": "coordinator@demo.portal.cn",
    "learner": "learner@demo.portal.cn",
    "partner": "partner@demo.portal.cn",
}


def test_each_roles_phone_home_is_photographed(home_page, live_server, monkeypatch):
    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for role, email in LOGINS.items():
            page = new_page(browser, live_server.url, locale="zh-CN")
            page.goto("/accounts/login/")
            page.fill("[name=login]", email)
            page.fill("[name=password]", DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/me/$"))
            assert page.locator("nav.tab-bar").is_visible()
            # The first screen as a phone shows it: to-dos on top, the tab bar at the bottom.
            page.screenshot(path=SCREENS / f"home-{role}.png")
            page.context.close()
    assert all((SCREENS / f"home-{role}.png").exists() for role in LOGINS)
