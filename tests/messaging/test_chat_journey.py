"""Two people in two browsers (phone size, real Chromium) chatting through a real uvicorn on
Redis: a message typed by one appears for the other without a reload, and the HTML in it stays
text. The live_server fixture is WSGI-only, so the pages come from tests.servers.asgi_server."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect, sync_playwright

from messaging.models import Message
from tests.conftest import CHROMIUM
from tests.messaging.conftest import build_world, session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def serve_static(route):
    """The test server runs with DEBUG off and no collectstatic, so static files (chat.js, the
    CSS) come from the apps' static folders, as the staticfiles finders see them."""
    path = finders.find(route.request.url.split("/static/", 1)[1].split("?")[0])
    if path:
        route.fulfill(path=path)
    else:
        route.fulfill(status=404)


def phone_for(browser, server, user):
    context = browser.new_context(
        base_url=f"http://{server}",
        viewport={"width": PHONE_WIDTH, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    context.route("**/static/**", serve_static)
    name, value = session_cookie(user).split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": f"http://{server}"}])
    return context.new_page()


def test_a_message_appears_in_the_other_browser_without_reload(world, browser):
    from tests.servers import asgi_server

    with asgi_server() as server:
        lead = phone_for(browser, server, world.lead)
        volunteer = phone_for(browser, server, world.volunteer)
        room = f"/messages/c/{world.room.pk}/"
        for page in (lead, volunteer):
            page.goto(room)
            expect(page.locator("#chat-status")).to_have_text("已连接")
        expect(lead.locator("#chat-presence")).to_contain_text("王小红")

        volunteer.fill("[name=body]", "刘老师好，<b>明天</b>上午九点我到司法所。")
        volunteer.click("#chat-form button[type=submit]")

        arrived = lead.locator("#chat-log .chat-msg").last
        expect(arrived).to_contain_text("刘老师好，<b>明天</b>上午九点我到司法所。")
        expect(arrived).to_contain_text("王小红")
        expect(arrived.locator("b")).to_have_count(0)
        expect(volunteer.locator("#chat-log .chat-msg.mine")).to_have_count(1)
        assert lead.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
        SCREENSHOTS.mkdir(exist_ok=True)
        lead.screenshot(path=SCREENSHOTS / "chat-room.png", full_page=True)

        # The lead answers; the volunteer sees it too, and the reply is stored once.
        lead.fill("[name=body]", "好的，见面再聊 https://12348.gov.cn/")
        lead.click("#chat-form button[type=submit]")
        answer = volunteer.locator("#chat-log .chat-msg").last
        expect(answer).to_contain_text("好的，见面再聊")
        expect(answer.locator('a[href="https://12348.gov.cn/"]')).to_have_count(1)
    assert list(Message.objects.order_by("id").values_list("sender__display_name", flat=True)) == [
        "王小红",
        "刘芳",
    ]
