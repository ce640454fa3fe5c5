"""The browsable docs in a real Chromium: Swagger UI draws every operation under our strict
Content-Security-Policy, with no request leaving the site and no CSP violation; a signed-in
person's "Try it out" on /me answers from their session."""

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as launched:
        yield launched


def test_docs_draw_every_operation_from_our_own_files(browser, live_server):
    page = new_page(browser, live_server.url, phone=False)
    elsewhere, violations = [], []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((live_server.url, "data:", "blob:"))
            else elsewhere.append(r.url)
        ),
    )
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/me" in paths and "/api/v1/hours" in paths
    assert len(paths) >= 14
    assert elsewhere == [] and violations == []


def test_try_it_out_on_me_uses_the_browser_session(roles, browser, live_server):
    page = new_page(browser, live_server.url, phone=False)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", roles.volunteer.email)
    page.fill("input[name=password]", "测试密码-Portal-2026")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    page.goto("/api/v1/docs")
    operation = page.locator("#operations-me-me_me")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table tbody .response")
    expect(answer.locator(".response-col_status")).to_have_text("200")
    expect(answer).to_contain_text("王志愿")
