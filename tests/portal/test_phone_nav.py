"""Phone navigation, in a real Chromium at 375 px: a bottom tab bar of at most five places per
role with the unread count on it, every other place on 我的 (/me/) with 退出登录; on a desktop
the top menu instead. CSS only: the pages load no script for it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, new_page
from tests.factories import (
    PASSWORD,
    LearnerFactory,
    PartnerMemberFactory,
    SocialWorkerFactory,
    VolunteerFactory,
    coordinator,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The tabs each role must find at the bottom of a phone (their main places).
ROLES = {
    "volunteer": (lambda regions: VolunteerFactory(), ["志愿活动", "我的"]),
    "coordinator": (lambda regions: coordinator(regions["440106"]), ["辖区匹配", "我的"]),
    "learner": (lambda regions: LearnerFactory(), ["我的课程", "我的"]),
    "social worker": (lambda regions: SocialWorkerFactory(), ["我的小组", "我的"]),
    "partner": (lambda regions: PartnerMemberFactory(), ["转介", "我的"]),
}


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Three unread messages for everyone: the badge must be on the bar whatever the page.
    monkeypatch.setattr("messaging.nav.unread_total", lambda user: 3)
    with chromium() as browser:
        yield browser


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/$"))


@pytest.mark.parametrize("role", ROLES)
def test_a_phone_has_a_bottom_tab_bar_with_the_unread_count_and_log_out_two_taps_away(
    browser, live_server, regions, role
):
    make, expected = ROLES[role]
    user = make(regions)
    page = new_page(browser, live_server.url)
    log_in(page, user)
    bar = page.locator("nav.tab-bar")
    expect(bar).to_be_visible()
    expect(page.locator(".site-nav")).to_be_hidden()
    tabs = bar.locator("li")
    assert 2 <= tabs.count() <= 5
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(740, abs=1)  # at the bottom of the screen
    labels = [t.inner_text() for t in tabs.all()]
    for name in expected:
        assert any(label.startswith(name) for label in labels), labels
    expect(bar.locator(".badge")).to_have_text("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The page scrolled to the end: the bar stays, nothing hides under it.
    page.goto("/me/")
    page.mouse.wheel(0, 5000)
    expect(bar).to_be_in_viewport()

    # Log out: tap 我的, tap 退出登录.
    bar.get_by_role("link", name="我的", exact=True).click()
    page.wait_for_url(re.compile(r"/me/$"))
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state()
    expect(page.locator("nav.tab-bar")).to_have_count(0)
    assert (
        page.evaluate("fetch('/me/', {redirect: 'manual'}).then(r => r.type)") == "opaqueredirect"
    )


def test_me_lists_every_place_of_the_role_the_tab_bar_left_out(browser, live_server, regions):
    page = new_page(browser, live_server.url)
    log_in(page, coordinator(regions["440106"]))
    places = page.locator(".place-list a")
    assert places.count() > 5
    for name in ("审计日志", "志愿者审核", "辖区匹配"):
        expect(places.filter(has_text=name)).to_have_count(1)
    page.locator(".place-list a", has_text="审计日志").click()
    page.wait_for_url(re.compile(r"/audit/$"))


def test_a_desktop_keeps_the_top_menu_and_no_tab_bar(home_page, live_server, regions, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1366, "height": 900}
        )
        page = context.new_page()
        log_in(page, coordinator(regions["440106"]))
        expect(page.locator(".site-nav")).to_be_visible()
        expect(page.locator("nav.tab-bar")).to_be_hidden()
        expect(page.locator(".site-nav").get_by_role("link", name="辖区匹配")).to_be_visible()
        expect(page.locator(".site-nav").get_by_role("button", name="退出登录")).to_be_visible()
