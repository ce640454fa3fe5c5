"""The chat page's outbox in a real Chromium against a real uvicorn: a message typed while the
server is down waits as "发送中…" and arrives once when the server is back; a message whose
acknowledgement was lost survives a reload and is not stored twice when it is sent again; a
message whose broadcast never arrived is fetched."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from messaging.models import Message
from tests.browser import chromium
from tests.messaging.conftest import build_world
from tests.messaging.test_chat_journey import phone_for
from tests.servers import AsgiServer, test_database_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


@pytest.fixture
def server():
    from django.conf import settings

    process = AsgiServer(env={"DATABASE_URL": test_database_url(), "REDIS_URL": settings.REDIS_URL})
    process.start()
    yield process
    process.stop()


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def test_a_message_typed_while_the_server_is_down_arrives_once_when_it_is_back(
    world, server, browser
):
    room = f"/messages/c/{world.room.pk}/"
    volunteer = phone_for(browser, server.base, world.volunteer)
    lead = phone_for(browser, server.base, world.lead)
    for page in (volunteer, lead):
        page.goto(room)
        expect(page.locator("#chat-status")).to_have_text("已连接")

    server.kill()  # the web process dies: sockets cut, HTTP refused
    expect(volunteer.locator("#chat-status")).to_have_text("连接已断开，正在重新连接…")
    volunteer.fill("[name=body]", "断网时写的：周六上午社区服务改到九点半")
    volunteer.click("#chat-form button[type=submit]")
    pending = volunteer.locator("#chat-log .chat-pending")
    expect(pending).to_contain_text("发送中…")
    expect(pending).to_contain_text("断网时写的")
    expect(volunteer.locator("[name=body]")).to_have_value("")  # kept in the outbox instead

    server.start()  # same port: the page reconnects by itself
    expect(volunteer.locator("#chat-status")).to_have_text("已连接", timeout=45_000)
    expect(pending).to_have_count(0, timeout=20_000)
    for page in (volunteer, lead):
        mine = page.locator("#chat-log .chat-msg", has_text="断网时写的")
        expect(mine).to_have_count(1, timeout=20_000)
    assert Message.objects.filter(body__startswith="断网时写的").count() == 1


def test_a_message_whose_ack_was_lost_survives_a_reload_and_is_stored_once(world, server, browser):
    room = f"/messages/c/{world.room.pk}/"
    volunteer = phone_for(browser, server.base, world.volunteer)
    losing = {"acks": True}

    def lose_acks(socket):
        """Between page and server: the server's acknowledgements never reach the page."""
        upstream = socket.connect_to_server()
        upstream.on_message(
            lambda frame: (
                None if losing["acks"] and '"message.ack"' in str(frame) else socket.send(frame)
            )
        )

    volunteer.route_web_socket("**/ws/chat/**", lose_acks)
    volunteer.goto(room)
    expect(volunteer.locator("#chat-status")).to_have_text("已连接")
    volunteer.fill("[name=body]", "确认一下：下周三下午两点家访")
    volunteer.click("#chat-form button[type=submit]")
    # Stored and broadcast, but never acknowledged: the page still counts it as sending.
    expect(volunteer.locator("#chat-log .chat-msg[data-id]", has_text="家访")).to_have_count(1)
    expect(volunteer.locator("#chat-log .chat-pending")).to_have_count(1)
    assert Message.objects.count() == 1

    losing["acks"] = False
    volunteer.reload()
    # The outbox came back from sessionStorage and was sent again under the same client_id:
    # the server answered with the stored message, and nothing is shown or stored twice.
    expect(volunteer.locator("#chat-status")).to_have_text("已连接")
    expect(volunteer.locator("#chat-log .chat-pending")).to_have_count(0)
    expect(volunteer.locator("#chat-log .chat-msg", has_text="家访")).to_have_count(1)
    assert Message.objects.count() == 1


@pytest.mark.needs_redis
def test_a_broadcast_that_never_arrived_is_fetched_by_the_page(world, server, browser):
    """A message stored without its broadcast (as when the channel layer drops it): the next
    broadcast names it as the one before, and the page fetches it within seconds."""
    from messaging import services

    lead = phone_for(browser, server.base, world.lead)
    lead.goto(f"/messages/c/{world.room.pk}/")
    expect(lead.locator("#chat-status")).to_have_text("已连接")
    Message.objects.create(conversation=world.room, sender=world.volunteer, body="请带好身份证")

    # In a thread of its own: the broadcast after commit cannot run inside Playwright's loop.
    def send():
        services.message_send(
            conversation_id=world.room.pk, sender=world.social_worker, body="收到吗"
        )
        connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    sender.join(timeout=30)

    expect(lead.locator("#chat-log .chat-msg", has_text="收到吗")).to_have_count(1)
    expect(lead.locator("#chat-log .chat-msg", has_text="请带好身份证")).to_have_count(1)
    bodies = lead.locator("#chat-log .chat-msg[data-id] .chat-body").all_text_contents()
    assert bodies[-2:] == ["请带好身份证", "收到吗"]
