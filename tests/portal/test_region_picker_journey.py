"""The cascading region picker in a real headless Chromium at phone size (375 px), on the live
server (SQLite or PostgreSQL): an admin invites a coordinator of 石牌街司法所 by choosing
广东省 → 广州市 → 天河区 → 石牌街司法所 level by level; a form sent back with an error shows the
cascade preselected from the chosen region; and with JavaScript off the plain select does the
same job."""

import pytest
from playwright.sync_api import expect

from portal.models import Region, StaffRole
from tests import factories
from tests.browser import PHONE, chromium, new_page
from tests.groups.test_group_journey import PHONE_WIDTH, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHIPAI = "440106005"  # 石牌街司法所, under 天河区, 广州市, 广东省


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    # Playwright's event loop runs in this thread, where Django would refuse the ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


@pytest.fixture
def admin(regions):
    return factories.AdminFactory(display_name="省厅管理员")


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def levels(page):
    return page.locator(".region-picker select")


def pick(page, depth, label, *, then):
    """Choose `label` at `depth` and wait for the levels beneath to be `then` long."""
    levels(page).nth(depth).select_option(label=label)
    expect(levels(page)).to_have_count(then)


def test_an_admin_picks_a_judicial_office_level_by_level(browser, live_server, admin):
    page = new_page(browser, live_server.url)
    problems, asked = [], []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    # (The live server speaks no WebSocket: live.js's failed connections are not ours.)
    page.on("request", lambda req: "/regions/children/" in req.url and asked.append(req.url))
    log_in(page, admin)
    page.goto("/staff/invite/")
    expect(page.locator(".region-picker")).to_have_attribute("data-ready", "0")

    # The plain select is still in the form (what is submitted) but out of sight; the first
    # choice of the list (广东省) is shown as the province, with its cities beneath.
    original = page.locator("select[name=region]")
    assert original.evaluate("el => getComputedStyle(el).clip") == "rect(0px, 0px, 0px, 0px)"
    assert original.evaluate("el => el.tabIndex") == -1
    assert original.get_attribute("aria-hidden") == "true"
    expect(levels(page)).to_have_count(2)
    expect(levels(page).nth(0)).to_have_value("440000")
    expect(levels(page).nth(0).locator("option")).to_have_text(["广东省", "四川省"])
    expect(levels(page).nth(1).locator("option")).to_have_text(["整个广东省", "广州市"])
    expect(page.locator(".region-picker label")).to_have_text(["省", "市"])

    page.fill("[name=display_name]", "石牌协调员")
    page.select_option("[name=role]", value=StaffRole.Role.COORDINATOR)
    pick(page, 0, "广东省", then=2)
    pick(page, 1, "广州市", then=3)
    expect(levels(page).nth(2).locator("option")).to_have_text(["整个广州市", "越秀区", "天河区"])
    pick(page, 2, "天河区", then=4)
    expect(page.locator(".region-picker label")).to_have_text(["省", "市", "区/县", "司法所"])
    expect(original).to_have_value(str(Region.objects.get(code="440106").pk))
    fits_phone(page)
    sizes = "els => els.map(el => [el.offsetWidth, el.getBoundingClientRect().height])"
    for box in levels(page).evaluate_all(sizes):
        width, height = box
        assert height >= 44 and width >= PHONE["width"] - 80, box  # full width, a finger tall

    # Sent without an e-mail address: the form comes back, the cascade down to 天河区.
    page.click("main form button[type=submit]")
    expect(page.locator("main form")).to_contain_text("必需字段")
    expect(page.locator(".region-picker")).to_have_attribute("data-ready", "0")
    expect(levels(page)).to_have_count(4)
    expect(levels(page).nth(1)).to_have_value("440100")
    expect(levels(page).nth(2)).to_have_value("440106")
    expect(levels(page).nth(3)).to_have_value("")

    page.fill("[name=email]", "shipai@example.cn")
    pick(page, 3, "石牌街司法所", then=4)
    expect(original).to_have_value(str(Region.objects.get(code=SHIPAI).pk))
    # Back up one level: "all of 天河区" chooses the district again.
    pick(page, 3, "整个天河区", then=4)
    expect(original).to_have_value(str(Region.objects.get(code="440106").pk))
    pick(page, 3, "石牌街司法所", then=4)
    page.click("main form button[type=submit]")
    expect(page.locator("ul.messages")).to_contain_text("石牌协调员现为石牌街司法所的协调员。")

    role = StaffRole.objects.get(user__email="shipai@example.cn")
    assert (role.role, role.region.code) == (StaffRole.Role.COORDINATOR, SHIPAI)
    assert any("parent=440106" in url for url in asked)
    assert not any(f"parent={SHIPAI}" in url for url in asked)  # known to have no children
    assert not [problem for problem in problems if "WebSocket" not in problem], problems


def test_without_javascript_the_plain_select_does_the_job(browser, live_server, admin):
    page = new_page(browser, live_server.url, javascript=False)
    log_in(page, admin)
    page.goto("/staff/invite/")
    expect(page.locator(".region-picker")).to_have_count(0)
    original = page.locator("select[name=region]")
    expect(original).to_be_visible()
    page.fill("[name=email]", "shipai@example.cn")
    page.fill("[name=display_name]", "石牌协调员")
    page.select_option("[name=role]", value=StaffRole.Role.COORDINATOR)
    original.select_option(value=str(Region.objects.get(code=SHIPAI).pk))
    fits_phone(page)
    page.click("main form button[type=submit]")
    expect(page.locator("ul.messages")).to_contain_text("石牌协调员现为石牌街司法所的协调员。")
    role = StaffRole.objects.get(user__email="shipai@example.cn")
    assert role.region.code == SHIPAI


def test_when_the_regions_cannot_be_loaded_the_plain_select_comes_back(browser, live_server, admin):
    page = new_page(browser, live_server.url)
    log_in(page, admin)
    failed = []

    def fail(route):
        failed.append(route.request.url)
        route.fulfill(status=500, body="{}")

    page.route("**/regions/children/**", fail)
    page.goto("/staff/invite/")
    original = page.locator("select[name=region]")
    expect(page.locator(".region-picker [role=status]")).to_have_text(
        "无法加载行政区域，请从完整列表中选择。"
    )
    expect(levels(page)).to_have_count(0)
    expect(original).not_to_have_class("visually-hidden")
    assert original.get_attribute("aria-hidden") is None
    expect(page.locator("label[for=id_region]")).to_have_count(1)
    assert failed  # the picker asked, and gave way
    original.select_option(value=str(Region.objects.get(code=SHIPAI).pk))
    expect(original).not_to_have_class("visually-hidden")  # no second try behind its back
    expect(original).to_have_value(str(Region.objects.get(code=SHIPAI).pk))
    fits_phone(page)
