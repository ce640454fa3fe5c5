"""Done when (issue 18): in real Chromium through a real uvicorn on Redis, the coordinator sends
a drill to a county; two members, each in their own browser, see the full-screen banner at
once and acknowledge; the coordinator's board shows them in real time; a member who never
connects gets the e-mail after the wait; the after-action report lists the times."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect, sync_playwright

from alerts.models import Alert, Recipient
from alerts.tasks import sweep
from tests.browser import ARGS, DESKTOP, PHONE
from tests.conftest import CHROMIUM
from tests.groups.test_group_journey import screenshot
from tests.messaging.test_chat_journey import serve_static
from tests.servers import asgi_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]
MESSAGE = "【演练】天河区暴雨内涝，请立即确认所联系对象是否安全，并回复情况。"
# A socket's first open: the server's first handshakes and, for the board, a fresh read of the
# whole board before it says it is live. On a loaded CI machine (two test workers, three
# browsers) this once took longer than expect()'s 5 seconds; what is checked stays the same.
CONNECT_WAIT = 15_000


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def page_for(browser, server, user, *, phone=True):
    """A browser context of its own for one person, logged in with a test session."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=f"http://{server}",
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    context.route("**/static/**", serve_static)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": f"http://{server}"}])  # fmt: skip
    return context.new_page()


def connected(page):
    expect(page.locator("#live-toasts")).to_have_attribute(
        "data-state", "open", timeout=CONNECT_WAIT
    )


def test_a_county_drill_from_send_to_report(world, browser, settings):
    settings.ALERTS_ACK_WAIT_SECONDS = 3  # this process runs the sweep below
    with asgi_server() as server:
        coordinator = page_for(browser, server, world.coordinator, phone=False)
        wang = page_for(browser, server, world.volunteer)
        li = page_for(browser, server, world.tiannan_volunteer)
        for member in (wang, li):
            member.goto("/me/")
            connected(member)
            expect(member.locator(".alert-banner")).to_have_count(0)

        coordinator.goto("/alerts/")
        coordinator.click('main a[href="/alerts/new/"]')
        coordinator.check('input[name="kind"][value="drill"]')
        coordinator.fill('[name="message"]', MESSAGE)
        coordinator.check('input[name="scope"][value="groups"]')
        coordinator.select_option('[name="region"]', str(world.regions["440106"].pk))
        coordinator.click('button[name="preview"]')
        expect(coordinator.locator("#reach-count")).to_have_text("将通知 6 人。")
        expect(coordinator.locator("main")).to_contain_text("演练")
        with coordinator.expect_navigation():
            coordinator.click('button[name="confirm"]')
        sent = time.monotonic()
        alert = Alert.objects.get()
        expect(coordinator).to_have_url(re.compile(rf"/alerts/{alert.pk}/$"))
        expect(coordinator.locator("#board-live")).to_have_text(
            "实时：有人响应时自动更新。", timeout=CONNECT_WAIT
        )

        # Both members, each in their own browser, have the banner without reloading.
        for member in (wang, li):
            banner = member.locator(".alert-banner.is-drill")
            expect(banner).to_be_visible(timeout=5_000)
            expect(banner).to_contain_text("演练")
            expect(banner).to_contain_text("这是演练，不是真实事件")
            expect(banner).to_contain_text("天河区暴雨内涝")
        seen_within = time.monotonic() - sent
        box = wang.locator(".alert-banner .alert-box").bounding_box()
        assert box["width"] <= PHONE["width"]  # fits the phone
        screenshot(wang, "alerts-banner-phone")
        counts = coordinator.locator(".alert-counts")
        expect(counts.locator('[data-count="delivered"]')).to_have_text("2")

        wang.click('.alert-banner button[name="quick"][value="已联系上"]')
        expect(wang.locator(".alert-banner")).to_have_count(0)
        li.fill('.alert-banner [name="reply"]', "需要支援：对象电话无人接听")
        li.click(".alert-banner .alert-ack-button")
        expect(li.locator(".alert-banner")).to_have_count(0)

        # The board follows without a reload.
        expect(counts.locator('[data-count="acknowledged"]')).to_have_text("2")
        expect(counts.locator('[data-count="waiting"]')).to_have_text("4")
        wang_row = coordinator.locator(
            f'[data-recipient="{Recipient.objects.get(user=world.volunteer).pk}"]'
        )
        expect(wang_row).to_contain_text("已联系上")
        # Delivered while the board was still loading: read again once its socket opened.
        expect(wang_row.locator('[data-cell="delivered"]')).to_contain_text("✓")
        expect(wang_row.locator('[data-cell="acknowledged"] time')).to_have_text(
            re.compile(r"^\d\d:\d\d:\d\d$")
        )
        expect(coordinator.locator('[data-figure="median"]')).not_to_have_text("—")
        screenshot(coordinator, "alerts-board")
        # A page loaded later still has no banner for those who acknowledged.
        wang.goto("/me/")
        expect(wang.locator(".alert-banner")).to_have_count(0)

        # 周组长 never connected: after the wait the sweep (beat, every minute) e-mails him.
        time.sleep(max(0.0, 3.5 - (time.monotonic() - sent)))
        sweep.delay()
        emailed = {m.to[0] for m in mail.outbox if "天河区暴雨内涝" in m.body}
        assert world.tiannan_lead.email in emailed and len(emailed) == 4
        assert world.volunteer.email not in emailed and world.tiannan_volunteer.email not in emailed

        with coordinator.expect_navigation():
            coordinator.click(f'form[action="/alerts/{alert.pk}/close/"] button')
        expect(coordinator).to_have_url(re.compile(rf"/alerts/{alert.pk}/report/$"))
        report = coordinator.locator("main")
        expect(report).to_contain_text("事后报告")
        expect(report).to_contain_text("演练")
        timeline = coordinator.locator("ol.timeline li.ack")
        expect(timeline).to_have_count(2)
        expect(timeline.first).to_contain_text(
            re.compile(r"^\d\d:\d\d:\d\d王小红 已确认（用时 0:\d\d）")
        )
        expect(timeline.last).to_contain_text("需要支援：对象电话无人接听")
        expect(report).to_contain_text("向 4 名未确认者发送邮件")
        screenshot(coordinator, "alerts-report")
    assert seen_within < 10
    assert Recipient.objects.filter(alert=alert, acknowledged_at__isnull=False).count() == 2
