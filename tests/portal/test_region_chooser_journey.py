"""The region choosers of the group form and the volunteer profile in a real headless Chromium at
phone size (375 px), on the live server: a city coordinator picks a judicial office 省 → 市 → 区县
→ 司法所 (the regions above the offices lead the way but cannot be chosen) and adds execution
areas as chips; a volunteer adds served regions in two provinces, is told when nothing or a
region already there is added, removes one by keyboard, and finds the rest after saving; without
JavaScript the profile's plain multiple select does the job, with no "hold Ctrl" hint."""

import pytest
from playwright.sync_api import expect

from groups.models import CorrectionGroup, GroupNeed
from portal.models import Region
from tests import factories
from tests.browser import chromium, new_page
from tests.groups.test_group_journey import PHONE_WIDTH, log_in, screenshot, url_of
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    # Playwright's event loop runs in this thread, where Django would refuse the ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def watch(page):
    """Script errors on the page (the live server speaks no WebSocket: live.js's are not ours)."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    return lambda: [problem for problem in problems if "WebSocket" not in problem]


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def picker(page, name):
    return page.locator(f"select[name={name}] + .region-picker")


def levels(page, name):
    return picker(page, name).locator(".region-picker-level select")


def pick(page, name, depth, label, *, then):
    """Choose `label` at `depth` and wait for the levels beneath to be `then` long."""
    levels(page, name).nth(depth).select_option(label=label)
    expect(levels(page, name)).to_have_count(then)


def chips(page, name):
    return picker(page, name).locator(".region-chips li span")


def status(page, name):
    return picker(page, name).locator("[role=status]")


def pk(code):
    return str(Region.objects.get(code=code).pk)


def finger_sized(locator):
    sizes = locator.evaluate_all("els => els.map(el => el.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 44, sizes


def test_a_city_coordinator_picks_an_office_and_adds_execution_areas(
    browser, live_server, regions, reference_data
):
    coordinator = factories.coordinator(regions["440100"])
    page = new_page(browser, live_server.url)
    problems = watch(page)
    log_in(page, coordinator)
    page.goto("/groups/new/")
    expect(picker(page, "judicial_office")).to_have_attribute("data-ready", "0")
    expect(picker(page, "approved_regions")).to_have_attribute("data-ready", "1")

    # 广东省 and 广州市 are the only ways down: shown, opened, but no choice yet.
    office = page.locator("select[name=judicial_office]")
    expect(levels(page, "judicial_office")).to_have_count(3)
    expect(levels(page, "judicial_office").nth(0).locator("option")).to_have_text(["广东省"])
    expect(levels(page, "judicial_office").nth(1).locator("option")).to_have_text(["广州市"])
    expect(levels(page, "judicial_office").nth(2).locator("option")).to_have_text(
        ["请选择…", "越秀区", "天河区"]
    )
    expect(office).to_have_value("")
    expect(page.locator("label[for=id_judicial_office-level-0]").first).to_have_text("司法所")
    pick(page, "judicial_office", 2, "天河区", then=4)
    expect(picker(page, "judicial_office").locator("label")).to_have_text(
        ["省", "市", "区/县", "司法所"]
    )
    expect(levels(page, "judicial_office").nth(3).locator("option")).to_have_text(
        ["请选择…", "石牌街司法所", "天河南街司法所"]
    )
    expect(office).to_have_value("")  # a district is no office
    pick(page, "judicial_office", 3, "石牌街司法所", then=4)
    expect(office).to_have_value(pk("440106005"))

    # The execution area: 广州市 may be chosen itself, so its districts come with "整个广州市".
    area = "approved_regions"
    expect(picker(page, area).locator(".region-chips-none")).to_have_text("尚未选择。")
    expect(levels(page, area).nth(1).locator("option")).to_have_text(["广州市"])
    expect(levels(page, area).nth(2).locator("option")).to_have_text(
        ["整个广州市", "越秀区", "天河区"]
    )
    add = picker(page, area).get_by_role("button", name="添加")
    levels(page, area).nth(2).select_option(label="天河区")
    add.click()
    levels(page, area).nth(2).select_option(label="越秀区")
    add.click()
    expect(chips(page, area)).to_have_text(["越秀区", "天河区"])  # in the list's order
    expect(status(page, area)).to_have_text("已添加越秀区。")
    add.click()
    expect(status(page, area)).to_have_text("越秀区已在列表中。")
    expect(chips(page, area)).to_have_count(2)
    remove = picker(page, area).get_by_role("button", name="移除越秀区")
    remove.focus()
    page.keyboard.press("Enter")
    expect(chips(page, area)).to_have_text(["天河区"])
    expect(status(page, area)).to_have_text("已移除越秀区。")
    expect(picker(page, area).get_by_role("button", name="移除天河区")).to_be_focused()
    expect(page.locator("select[name=approved_regions] option:checked")).to_have_text(
        ["\u3000天河区"]
    )
    finger_sized(picker(page, area).locator("button"))
    fits_phone(page)
    screenshot(page, "group-form-region-pickers")

    page.select_option("[name=stage]", value="entry")
    page.select_option("[name=supervision_level]", value="strict")
    page.select_option("[name=offence]", label="危险驾驶")
    page.select_option("[name=sentence_type]", value="probation")
    page.fill("[name=start_date]", "2026-03-01")
    page.fill("[name=planned_end_date]", "2027-02-28")
    page.select_option("[name=need_employment]", value=str(GroupNeed.Priority.HIGH))
    page.click("main form button[type=submit]")
    expect(page.locator("ul.messages")).to_be_visible()
    group = CorrectionGroup.objects.get()
    assert group.judicial_office.code == "440106005"
    assert [r.code for r in group.approved_regions.all()] == ["440106"]

    # Editing: the cascade opens down to the group's office, its area a chip.
    page.goto(f"/groups/{group.code}/edit/")
    expect(picker(page, "judicial_office")).to_have_attribute("data-ready", "0")
    expect(levels(page, "judicial_office")).to_have_count(4)
    expect(levels(page, "judicial_office").nth(2)).to_have_value("440106")
    expect(levels(page, "judicial_office").nth(3)).to_have_value("440106005")
    expect(chips(page, area)).to_have_text(["天河区"])
    fits_phone(page)
    assert not problems(), problems()


def test_a_volunteer_adds_and_removes_served_regions(browser, live_server, regions, reference_data):
    user = factories.VolunteerFactory(display_name="志愿者李静")
    vf.profile(user, status=VolunteerProfile.Status.DRAFT, regions=(), real_name="李静")
    page = new_page(browser, live_server.url)
    problems = watch(page)
    log_in(page, user)
    page.goto("/volunteers/profile/")
    name = "regions"
    expect(picker(page, name)).to_have_attribute("data-ready", "0")
    expect(page.locator("main")).not_to_contain_text("Ctrl")
    expect(picker(page, name).locator(".region-chips-none")).to_have_text("尚未选择。")
    expect(levels(page, name).nth(0).locator("option")).to_have_text(["广东省", "四川省"])
    expect(levels(page, name)).to_have_count(3)  # 广州市 is the one way on; its districts next
    add = picker(page, name).get_by_role("button", name="添加")
    add.click()
    expect(status(page, name)).to_have_text("请先逐级选择一个区域，再点“添加”。")
    expect(chips(page, name)).to_have_count(0)

    pick(page, name, 2, "天河区", then=4)
    expect(levels(page, name).nth(3).locator("option")).to_have_text(
        ["整个天河区", "石牌街司法所", "天河南街司法所"]
    )
    add.click()
    pick(page, name, 3, "石牌街司法所", then=4)
    add.click()
    # Sichuan: 成都市 and then 武侯区 (the one district there) open by themselves.
    pick(page, name, 0, "四川省", then=4)
    expect(levels(page, name).nth(2)).to_have_value("510107")
    add.click()
    expect(chips(page, name)).to_have_text(["天河区", "石牌街司法所", "武侯区"])
    expect(status(page, name)).to_have_text("已添加武侯区。")
    finger_sized(picker(page, name).locator("button, select"))
    fits_phone(page)
    screenshot(page, "profile-served-regions")

    picker(page, name).get_by_role("button", name="移除石牌街司法所").tap()
    expect(chips(page, name)).to_have_text(["天河区", "武侯区"])
    expect(picker(page, name).get_by_role("button", name="移除武侯区")).to_be_focused()
    page.click("button[name=save]")
    expect(page.locator("ul.messages")).to_contain_text("已保存。")
    expect(chips(page, name)).to_have_text(["天河区", "武侯区"])
    profile = VolunteerProfile.objects.get(user=user)
    assert sorted(r.code for r in profile.regions.all()) == ["440106", "510107"]

    # Removing them all saves none.
    for region in ("天河区", "武侯区"):
        picker(page, name).get_by_role("button", name=f"移除{region}").click()
    expect(picker(page, name).locator(".region-chips-none")).to_be_visible()
    page.click("button[name=save]")
    expect(page.locator("ul.messages")).to_contain_text("已保存。")
    expect(picker(page, name).locator(".region-chips-none")).to_be_visible()
    assert not profile.regions.exists()
    assert not problems(), problems()


def test_without_javascript_the_profile_s_plain_select_does_the_job(
    browser, live_server, regions, reference_data
):
    user = factories.VolunteerFactory(display_name="志愿者李静")
    vf.profile(user, status=VolunteerProfile.Status.DRAFT, regions=("440106",), real_name="李静")
    page = new_page(browser, live_server.url, javascript=False)
    log_in(page, user)
    page.goto("/volunteers/profile/")
    expect(page.locator(".region-picker")).to_have_count(0)
    original = page.locator("select[name=regions]")
    expect(original).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Ctrl")
    expect(page.locator("main")).to_contain_text("您可以服务的区县或司法所。")
    expect(original.locator("option:checked")).to_have_text(["天河区"])
    original.select_option(value=[pk("440106005"), pk("510107")])
    fits_phone(page)
    page.click("button[name=save]")
    expect(page).to_have_url(url_of("/volunteers/profile/"))
    expect(original.locator("option:checked")).to_have_text(["石牌街司法所", "武侯区"])
    profile = VolunteerProfile.objects.get(user=user)
    assert sorted(r.code for r in profile.regions.all()) == ["440106005", "510107"]
