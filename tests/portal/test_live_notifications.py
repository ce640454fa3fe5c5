"""A notification reaches an open page without a reload: a volunteer has their workspace open
on a phone (real Chromium, pages and the socket from a real uvicorn on Redis) when a coordinator
accepts them into a group; the toast appears, names the group and links to it. The live_server
fixture is WSGI-only, hence tests.servers.asgi_server."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from matching import services as matching
from tests.matching.test_matching_accept import build_world
from tests.messaging.test_chat_journey import browser, phone_for  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def test_a_volunteer_accepted_into_a_group_sees_it_at_once(world, browser):  # noqa: F811
    from tests.servers import asgi_server

    with asgi_server() as server:
        volunteer = phone_for(browser, server, world.candidate)
        outsider = phone_for(browser, server, world.outsider)
        for page in (volunteer, outsider):
            page.goto("/me/")
            expect(page.locator("#live-toasts")).to_have_attribute("data-state", "open")
        expect(volunteer.locator(".toast")).to_have_count(0)

        # Off Playwright's thread: the service publishes its event on commit, from sync code.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(accept, world).result()

        toast = volunteer.locator(".toast")
        expect(toast).to_contain_text(world.group.code)
        expect(toast.locator("a")).to_have_attribute("href", f"/groups/{world.group.code}/")
        assert volunteer.evaluate("document.documentElement.scrollWidth") <= 375
        toast.get_by_role("button", name="关闭").click()
        expect(volunteer.locator(".toast")).to_have_count(0)
        # Nobody else is told: the outsider's page stays quiet.
        outsider.wait_for_timeout(500)
        expect(outsider.locator(".toast")).to_have_count(0)


def accept(world):
    try:
        matching.suggestion_accept(
            actor=world.coordinator, group=world.group, kind="volunteer",
            candidate_id=world.candidate.pk,
        )  # fmt: skip
    finally:
        connections.close_all()
