"""A volunteer with a mobile number and no e-mail address, in a real headless Chromium at 375 px:
sign up, type the SMS code, land on /me/; log out and in with the number and password; log in by
an SMS code; forget the password and reset it by an SMS code. The SMS backend is the embedded
default, the console: each code is read from the server's log line, as a developer on a laptop
reads it (the live server runs in this process, so pytest's log capture sees that line)."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.browser import PHONE, chromium, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "13800138000"
PASSWORD = "Zhiyuan-Mima-2026!"
NEW_PASSWORD = "Xin-Mima-2026-Zhiyuan!"
CODE = re.compile(r"验证码是\s*(\d{6})")


@pytest.fixture
def page(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield new_page(browser, live_server.url)


def url_of(path):
    return re.compile(re.escape(path) + r"$")


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.fixture
def console(settings, caplog):
    """The last text the console backend printed, as (phone, text): console()."""
    settings.SMS_BACKEND = "portal.sms.ConsoleBackend"
    caplog.set_level("WARNING", logger="portal.sms")

    def last():
        lines = [r.getMessage() for r in caplog.records if r.name == "portal.sms"]
        assert lines, "the console printed no SMS"
        phone, text = lines[-1].removeprefix("SMS to ").split(": ", 1)
        return SimpleNamespace(phone=phone, text=text)

    return last


def last_code(console) -> str:
    sms = console()
    assert sms.phone == NUMBER
    return CODE.search(sms.text).group(1)


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def log_out(page):
    page.goto("/me/")
    page.locator("main").get_by_role("button", name="退出登录").click()
    expect(page.locator("nav.tab-bar")).to_have_count(0)


def test_a_volunteer_lives_by_phone_alone(page, console):
    # Sign up: no e-mail address, the number typed the way people write it.
    page.goto("/accounts/signup/?kind=volunteer")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("main")).to_contain_text("志愿者和合作机构成员可以只用手机号注册")
    page.fill("[name=display_name]", "王小红")
    page.fill("[name=mobile]", "138 0013 8000")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    fits_phone(page)
    submit(page)

    # The code page, in Chinese, with the phone's number pad.
    expect(page).to_have_url(url_of("/accounts/phone/verify/"))
    expect(page.locator("main")).to_contain_text("验证码")
    expect(page.locator("[name=code]")).to_have_attribute("inputmode", "numeric")
    fits_phone(page)
    page.fill("[name=code]", "000000" if last_code(console) != "000000" else "111111")
    submit(page)
    expect(page.locator("main")).to_contain_text("验证码不正确或已过期")
    page.fill("[name=code]", last_code(console))
    submit(page)
    expect(page).to_have_url(url_of("/me/"))
    expect(page.locator("main")).to_contain_text("王小红")
    fits_phone(page)
    user = User.objects.get(mobile=NUMBER)
    assert (user.email, user.mobile_verified) == (None, True)

    # Number and password.
    log_out(page)
    page.goto("/accounts/login/")
    page.fill("[name=login]", NUMBER)
    page.fill("[name=password]", PASSWORD)
    submit(page)
    expect(page).to_have_url(url_of("/me/"))

    # A code instead of the password.
    log_out(page)
    page.goto("/accounts/login/")
    page.locator('main a[href^="/accounts/login/code/"]').click()
    page.fill("[name=phone]", NUMBER)
    fits_phone(page)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    page.fill("[name=code]", last_code(console))
    submit(page)
    expect(page).to_have_url(url_of("/me/"))

    # The password forgotten: reset by a code.
    log_out(page)
    page.goto("/accounts/password/reset/")
    page.get_by_role("link", name=re.compile("通过短信验证码重置密码")).click()
    expect(page).to_have_url(url_of("/accounts/password/reset/phone/"))
    page.fill("[name=phone]", NUMBER)
    submit(page)
    expect(page).to_have_url(url_of("/accounts/password/reset/phone/confirm/"))
    assert "重置密码" in console().text
    page.fill("[name=code]", last_code(console))
    page.fill("[name=password1]", NEW_PASSWORD)
    page.fill("[name=password2]", NEW_PASSWORD)
    fits_phone(page)
    submit(page)
    expect(page).to_have_url(url_of("/accounts/login/"))
    expect(page.locator("body")).to_contain_text("您的密码已修改")
    page.fill("[name=login]", NUMBER)
    page.fill("[name=password]", NEW_PASSWORD)
    submit(page)
    expect(page).to_have_url(url_of("/me/"))
    expect(page.locator("main")).to_contain_text("王小红")
