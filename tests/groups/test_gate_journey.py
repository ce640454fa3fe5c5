"""The gate and a suspension in real browsers at phone size (375 px), over a real uvicorn on
Redis: a coordinator tries to add a volunteer who was never vetted to a juvenile group and reads
why not; then suspends a member, and the member's open chat page says at once that their access
ended, without a reload."""

import pytest
from playwright.sync_api import expect

from groups import services as group_services
from groups.models import Membership
from portal.models import Region
from tests import factories
from tests.browser import chromium
from tests.groups.conftest import group_data
from tests.messaging.conftest import build_world
from tests.messaging.test_chat_journey import PHONE_WIDTH, SCREENSHOTS, phone_for
from tests.servers import asgi_server
from volunteers.models import VolunteerProfile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's event loop runs in this thread, where Django would refuse the ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


@pytest.fixture
def world(regions, reference_data):
    world = build_world(regions)
    world.juvenile = group_services.group_create(
        data=group_data(regions, is_juvenile=True), created_by=world.coordinator
    )
    # Someone who signed up and sent a profile that nobody has vetted yet.
    world.newcomer = factories.vetted(
        factories.VolunteerFactory(display_name="林同学"), regions=("440106",)
    )
    VolunteerProfile.objects.filter(user=world.newcomer).update(status="submitted")
    # The member the coordinator will suspend serves 天河区, which the coordinator vets.
    world.profile = VolunteerProfile.objects.get(user=world.volunteer)
    world.profile.regions.set([Region.objects.get(code="440106")])
    return world


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def test_the_coordinator_reads_why_not_and_a_suspension_ends_the_open_chat(world, browser):
    with asgi_server() as server:
        office = phone_for(browser, server, world.coordinator)
        office.goto(f"/groups/{world.juvenile.code}/members/add/")
        office.fill("[name=email]", world.newcomer.email)
        office.select_option("[name=role]", value="volunteer")
        office.click("main form button[type=submit]")
        refusal = office.locator("main form .errorlist").first
        expect(refusal).to_contain_text("林同学 不能以志愿者身份加入小组")
        expect(refusal).to_contain_text("尚未通过审核")
        expect(refusal).to_contain_text("未获准为未成年人提供服务")
        fits_phone(office)
        SCREENSHOTS.mkdir(exist_ok=True)
        office.screenshot(path=SCREENSHOTS / "gate-refusal.png", full_page=True)
        assert not Membership.objects.filter(group=world.juvenile, user=world.newcomer).exists()

        # The member has the group's chat open on their phone.
        member = phone_for(browser, server, world.volunteer)
        member.goto(f"/messages/c/{world.room.pk}/")
        expect(member.locator("#chat-status")).to_have_text("已连接")

        office.goto(f"/volunteers/people/{world.profile.pk}/")
        office.select_option("[name=decision]", value="suspend")
        office.fill("[name=reason]", "多次无故缺席小组活动，暂停核查。")
        office.click("main form:has([name=decision]) button[type=submit]")
        expect(office.locator("#profile-status")).to_have_text("已暂停")

        # Without a reload, the member's page says their access ended and offers no box.
        expect(member.locator("#chat-status")).to_have_text("您已不在这个会话中。")
        expect(member.locator("#chat-form")).to_be_hidden()
        fits_phone(member)
        member.screenshot(path=SCREENSHOTS / "gate-access-ended.png", full_page=True)
        # And the group's page is gone for them.
        response = member.goto(f"/groups/{world.group.code}/")
        assert response.status == 404
