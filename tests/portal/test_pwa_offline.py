"""The installed app on a phone without a connection (Chromium at 375 px, its service worker at
work): a learner who opened their lessons, a lesson and their group's chat reads all three again
offline; any other page says, in Chinese, that the phone is offline; after logging out nothing
of theirs is left on the phone. No request ever leaves our origin."""

import re
from contextlib import ExitStack
from datetime import date

import pytest
from playwright.sync_api import expect

from curriculum import services as curriculum_services
from messaging import services as messaging_services
from tests import factories
from tests.browser import PHONE, chromium, new_page
from tests.curriculum import factories as cf
from tests.groups import conftest as groups_conftest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = groups_conftest.world

OFFLINE_TEXT = "您当前处于离线状态"
CHAT_TEXT = "周三下午三点在社区活动室集合"


@pytest.fixture
def learning(world, home_page):
    """The group's learner (with a password), a lesson given to the group and a chat message."""
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    index = curriculum_services.curriculum_tree_ensure()
    world.lesson = cf.lesson(cf.theme(index, date(2026, 3, 1)), "好家风伴我行")
    curriculum_services.lesson_assign(
        group=world.group, lesson=world.lesson, assigned_by=world.lead
    )
    room = messaging_services.room_ensure(group=world.group)
    messaging_services.message_send(conversation_id=room.pk, sender=world.lead, body=CHAT_TEXT)
    world.room = room
    return world


@pytest.fixture
def phone(learning, live_server, monkeypatch):
    """The learner's phone, signed in on /me/ with the service worker in control; every URL it
    asked for is in phone.requests."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with ExitStack() as stack:
        browser = stack.enter_context(chromium())
        page = new_page(browser, live_server.url, locale="zh-CN")
        page.requests = []
        page.context.on("request", lambda request: page.requests.append(request.url))
        page.goto("/accounts/login/")
        page.fill("[name=login]", learning.learner.email)
        page.fill("[name=password]", factories.PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/me/$"))
        # Installed and in control of this page (clients.claim), as after a first visit.
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        yield page


def offline_page_shown(page):
    expect(page.locator("main h1")).to_have_text(OFFLINE_TEXT)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def read_while_online(page, learning):
    """Opens the lessons, taps the lesson and opens the group's chat; returns their addresses."""
    page.goto("/learning/mine/")
    expect(page.locator("main h1")).to_have_text("我的课程")
    page.locator("main").get_by_role("link", name="好家风伴我行").tap()
    expect(page).to_have_url(re.compile(re.escape(learning.lesson.url) + "$"))
    expect(page.locator("main h1")).to_have_text("好家风伴我行")
    page.goto(f"/messages/group/{learning.group.code}/")
    chat = f"/messages/c/{learning.room.pk}/"
    expect(page).to_have_url(re.compile(re.escape(chat) + "$"))
    expect(page.locator("main")).to_contain_text(CHAT_TEXT)
    return learning.lesson.url, chat


KEPT = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    kept[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
  }
  return kept;
}"""


def test_a_learner_reads_their_lesson_and_chat_again_offline(phone, learning, live_server):
    lesson, chat = read_while_online(phone, learning)
    kept = phone.evaluate(KEPT)
    # Only those pages of the learner (and the lesson's address by id), and assets of ours.
    assert sorted(kept.pop("portal-pages")) == sorted(
        live_server.url + url
        for url in (lesson, chat, "/learning/mine/", f"/learning/lessons/{learning.lesson.pk}/")
    )
    (shell,) = kept.values()
    offline = f"{live_server.url}/offline/"
    assert offline in shell
    assert all(url.startswith(f"{live_server.url}/static/") for url in shell if url != offline)
    phone.context.set_offline(True)

    phone.goto(chat)
    expect(phone.locator("main")).to_contain_text(CHAT_TEXT)
    phone.goto("/learning/mine/")
    expect(phone.locator("main h1")).to_have_text("我的课程")
    # The lesson's link on "my lessons" is its address by id, which redirects to the lesson.
    phone.locator("main").get_by_role("link", name="好家风伴我行").tap()
    expect(phone).to_have_url(re.compile(re.escape(lesson) + "$"))
    expect(phone.locator("main h1")).to_have_text("好家风伴我行")
    # The kept pages keep their look: the stylesheet came from the worker's cache.
    assert (
        phone.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        == "rgb(11, 83, 148)"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Any page not kept: the offline page, in Chinese, never an error of the browser.
    for other in ("/me/", "/messages/", f"/groups/{learning.group.code}/"):
        phone.goto(other)
        offline_page_shown(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assert phone.requests and all(url.startswith(live_server.url + "/") for url in phone.requests)


def test_after_logging_out_nothing_of_the_learner_is_left_on_the_phone(
    phone, learning, live_server
):
    lesson, chat = read_while_online(phone, learning)
    phone.goto("/me/")
    phone.locator("main form.logout-form button[type=submit]").tap()
    expect(phone.locator("main h1")).not_to_have_text("我的工作台")
    phone.context.set_offline(True)

    for kept in (lesson, chat, "/learning/mine/", f"/learning/lessons/{learning.lesson.pk}/"):
        phone.goto(kept)
        offline_page_shown(phone)
        expect(phone.locator("body")).not_to_contain_text(CHAT_TEXT)
    assert (
        phone.evaluate(
            "caches.keys().then((names) => names.filter((name) => name === 'portal-pages'))"
        )
        == []
    )

    assert all(url.startswith(live_server.url + "/") for url in phone.requests)


def test_a_page_shown_to_nobody_signed_in_makes_the_phone_forget(phone, learning):
    """The session ended elsewhere (another tab logged out, it expired): the next page seen
    signed out has the worker forget what was kept."""
    lesson, chat = read_while_online(phone, learning)
    phone.context.clear_cookies()
    phone.goto("/accounts/login/")
    phone.wait_for_function(
        "caches.keys().then((names) => !names.includes('portal-pages'))", polling=100
    )
    phone.context.set_offline(True)
    phone.goto(chat)
    offline_page_shown(phone)
