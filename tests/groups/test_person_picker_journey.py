"""The person pickers in a real headless Chromium at phone size (375 px), on the live server:
the coordinator adds a volunteer found by two characters of her name (keyboard: arrows and
Enter), then the lead hands over to the group's social worker found the same way (a tap); the
list offers nobody outside the group's region, the results are announced, nothing is wider
than the phone. With JavaScript off the picker is not there and the e-mail field does the job."""

import pytest
from playwright.sync_api import expect

from groups.models import Membership
from tests import factories
from tests.browser import PHONE, chromium, new_page
from tests.groups import conftest as groups_conftest
from tests.groups.test_group_journey import PHONE_WIDTH, log_in, screenshot, url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = groups_conftest.world


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    # Playwright's event loop runs in this thread, where Django would refuse the ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


@pytest.fixture
def people(world):
    world.social_worker.display_name = "周晓明"
    world.social_worker.save(update_fields=["display_name"])
    return {
        "wang": factories.vetted(factories.VolunteerFactory(display_name="王晓明")),
        # Serves 成都: never offered for a group in 天河区.
        "zhao": factories.vetted(
            factories.VolunteerFactory(display_name="赵晓明"), regions=("510107",)
        ),
    }


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def watch(page, problems):
    """Script errors of the page go into `problems` (the live server speaks no WebSocket:
    live.js's failed connections are not ours)."""

    def console(msg):
        if msg.type == "error" and "WebSocket" not in msg.text:
            problems.append(msg.text)

    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", console)


def test_a_member_is_added_and_the_lead_handed_over_by_name(browser, live_server, world, people):
    page = new_page(browser, live_server.url, locale="zh-CN")
    problems = []
    watch(page, problems)
    log_in(page, world.coordinator)
    group_url = f"/groups/{world.group.code}/"
    page.goto(group_url)
    page.locator(f'main a[href="{group_url}members/add/"]').tap()
    expect(page).to_have_url(url_of(f"{group_url}members/add/"))

    picker = page.locator("[data-person-picker]")
    expect(picker).to_have_attribute("data-ready", "true")
    box = page.get_by_role("combobox", name="按姓名查找", exact=True)
    page.select_option("[name=role]", value=Membership.Role.VOLUNTEER)
    box.fill("晓明")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("王晓明")
    expect(options.first).to_contain_text("志愿者")
    expect(page.locator("[data-person-picker] [role=status]")).to_contain_text("找到 1 人")
    expect(box).to_have_attribute("aria-expanded", "true")
    fits_phone(page)
    screenshot(page, "person-picker")

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # picks; does not send the form
    expect(page).to_have_url(url_of(f"{group_url}members/add/"))
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page.locator("[name=person]")).to_have_value(str(people["wang"].pk))
    expect(page.locator(".person-picker-chosen")).to_contain_text("已选择：王晓明")
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(url_of(group_url))
    expect(page.locator("main")).to_contain_text("王晓明")
    assert world.group.memberships.filter(
        user=people["wang"], role=Membership.Role.VOLUNTEER, left_at__isnull=True
    ).exists()

    # A role for contacts finds nobody of that name; an e-mail fragment finds nobody either.
    page.goto(f"{group_url}members/add/")
    page.select_option("[name=role]", value=Membership.Role.ENTERPRISE_CONTACT)
    box.fill("晓明")
    expect(page.locator("[data-person-picker] [role=status]")).to_contain_text("没有找到")
    box.fill("晓")
    expect(page.locator("[data-person-picker] [role=status]")).to_contain_text("至少两个字")

    # The lead, on her own phone, hands over to the group's social worker, tapped in the list.
    page = new_page(browser, live_server.url, locale="zh-CN")
    watch(page, problems)
    log_in(page, world.lead)
    page.goto(group_url)
    page.locator(f'main a[href="{group_url}lead/"]').tap()
    box = page.get_by_role("combobox", name="按姓名查找本组成员", exact=True)
    box.fill("晓明")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)  # 王晓明 is a volunteer: he cannot lead
    expect(options.first).to_contain_text("周晓明")
    options.first.tap()
    expect(page.locator("[name=person]")).to_have_value(str(world.social_worker.pk))
    fits_phone(page)
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(url_of(group_url))
    lead = world.group.memberships.get(role=Membership.Role.LEAD, left_at__isnull=True)
    assert lead.user == world.social_worker
    assert problems == []


def test_without_javascript_the_e_mail_field_adds_the_member(browser, live_server, world, people):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    page = context.new_page()
    log_in(page, world.coordinator)
    page.goto(f"/groups/{world.group.code}/members/add/")
    expect(page.locator("[data-person-picker]")).to_be_hidden()
    expect(page.get_by_role("combobox", name="按姓名查找", exact=True)).to_have_count(0)
    page.select_option("[name=role]", value=Membership.Role.VOLUNTEER)
    page.fill("[name=email]", people["wang"].email)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(url_of(f"/groups/{world.group.code}/"))
    fits_phone(page)
    assert world.group.memberships.filter(user=people["wang"], left_at__isnull=True).exists()
