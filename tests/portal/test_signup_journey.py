"""A volunteer's first visit, in a real headless Chromium at phone size: home page, sign-up,
confirmation e-mail, dashboard, log out and in again; and the same form refusing bad input.

Assertions stay on URLs, field names, `lang`, the database and the display name, because the
Chinese translations of headings are still being written.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from portal.models import AuditEvent, User
from tests.browser import chromium, new_page
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import VolunteerFactory, coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
EMAIL = "wangxiaohong@example.cn"
PASSWORD = "Qiang-Mima-2026!"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


@pytest.fixture
def page(home_page, live_server, monkeypatch):
    """A phone in an English-speaking browser (the portal must still answer in Chinese).
    Per test, after the database fixtures: while Playwright's event loop runs in this thread,
    Django refuses ORM calls (hence the variable) and hands out other connection objects."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield new_page(browser, live_server.url)


def url_of(path):
    return re.compile(re.escape(path) + r"$")


def assert_fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def assert_every_field_labelled(page):
    fields = page.locator("input:visible, select:visible, textarea:visible").all()
    assert any(f.get_attribute("type") == "radio" for f in fields)
    for field in fields:
        field_id = field.get_attribute("id")
        assert field_id, f"{field.get_attribute('name')} has no id"
        assert page.locator(f'label[for="{field_id}"]').count() == 1, f"#{field_id} has no label"


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def fill_signup(page, *, email, password, mobile, display_name):
    page.fill("[name=display_name]", display_name)
    page.fill("[name=email]", email)
    page.fill("[name=mobile]", mobile)
    page.fill("[name=password1]", password)
    page.fill("[name=password2]", password)


def test_a_volunteer_signs_up_confirms_and_lands_logged_in(page, live_server):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator('main a[href^="/accounts/signup/"]').first).to_be_visible()
    assert_fits_phone(page)

    page.click('a[href="/accounts/signup/?kind=volunteer"]')
    expect(page).to_have_url(url_of("/accounts/signup/?kind=volunteer"))
    expect(page.locator("[name=kind][value=volunteer]")).to_be_checked()
    assert_every_field_labelled(page)
    assert_fits_phone(page)
    screenshot(page, "signup-form")

    fill_signup(page, email=EMAIL, password=PASSWORD, mobile="138 0013 8000", display_name="王小红")
    page.press("[name=password2]", "Enter")  # the keyboard alone submits the form
    expect(page).to_have_url(url_of("/accounts/confirm-email/"))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    link = CONFIRM_LINK.search(mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(live_server.url + urlsplit(link.group()).path)
    page.click("main form button[type=submit]")

    expect(page).to_have_url(url_of("/me/"))
    expect(page.locator("main")).to_contain_text("王小红")
    assert_fits_phone(page)
    screenshot(page, "dashboard")
    user = User.objects.get(email=EMAIL)
    assert (user.kind, user.mobile, user.display_name) == ("volunteer", "13800138000", "王小红")
    assert EmailAddress.objects.filter(user=user, email=EMAIL, verified=True).exists()
    assert AuditEvent.objects.filter(actor=user, action="account.signed_up").exists()

    # On a phone, 退出登录 is a button on 我的 (/me/, where the journey already is).
    page.locator("main").get_by_role("button", name="退出登录").click()
    expect(page.locator("nav.tab-bar")).to_have_count(0)

    page.goto("/accounts/login/")
    page.fill("[name=login]", EMAIL)
    page.fill("[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(url_of("/me/"))
    expect(page.locator("main")).to_contain_text("王小红")


def test_bad_sign_up_input_is_shown_next_to_each_field_and_nothing_is_created(page):
    VolunteerFactory(email="taken@example.cn")
    users_before = User.objects.count()

    page.goto("/accounts/signup/")
    expect(page.locator("[name=kind]:checked")).to_have_count(0)
    fill_signup(
        page, email="taken@example.cn", password="12345678", mobile="12345", display_name="李四"
    )
    # The browser itself stops the form first: a kind is required.
    assert page.locator("[name=kind]").first.evaluate("radio => radio.validity.valueMissing")
    assert not page.locator("main form").evaluate("form => form.checkValidity()")

    # Without the browser's check, the server must say what is wrong, field by field.
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.press("[name=password2]", "Enter")
    # A taken address is not among them: sign-up never says whether an address has an account.
    for name in ("kind", "mobile", "password1"):
        errors = page.locator(f"ul.errorlist#id_{name}_error")
        expect(errors).to_be_visible()
        expect(errors.locator("li").first).not_to_be_empty()
    for name in ("mobile", "password1"):
        field = page.locator(f"[name={name}]")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(f"id_{name}_error"))
    expect(page.locator("[name=kind]").first).to_have_attribute("aria-invalid", "true")
    assert_fits_phone(page)
    screenshot(page, "signup-errors")

    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_a_coordinators_many_places_fit_a_phone_behind_a_tab_bar(page, regions):
    """A coordinator has some sixteen places; on a phone the top menu gives way to a bottom tab
    bar of at most five, the page still starts on the first screen, and every other place is
    one tap away on 我的 (the last tab)."""
    user = coordinator(regions["440100"])
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", FACTORY_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url_of("/me/"))
    expect(page.locator(".site-nav")).to_be_hidden()
    tabs = page.locator("nav.tab-bar li")
    assert 2 <= tabs.count() <= 5
    assert page.locator("main h1").bounding_box()["y"] < 400
    assert_fits_phone(page)
    page.locator("nav.tab-bar").get_by_role("link", name="我的", exact=True).click()
    page.locator(".place-list").get_by_role("link", name="审计日志").click()
    page.wait_for_url(url_of("/audit/"))
