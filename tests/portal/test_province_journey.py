"""A province starts operating, in real browsers at phone size (375 px) over a real uvicorn on
Redis: the admin imports the Guangdong region file (dry run, then apply) and makes a city
coordinator of 东莞 (a city with no county level), who makes a coordinator of one of its towns'
judicial offices, who creates a correction group there and sees it. The admin then revokes the
city role: the city coordinator's open page says at once that their access changed (its socket
closed with 4403), and the staff pages are gone for them on reload."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from groups.models import CorrectionGroup
from portal.models import Region, StaffRole, User
from tests import factories
from tests.browser import chromium
from tests.messaging.test_chat_journey import PHONE_WIDTH, SCREENSHOTS, phone_for
from tests.servers import asgi_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

GUANGDONG = Path(__file__).resolve().parents[2] / "portal" / "regions_data" / "guangdong.csv"
DONGGUAN, SHIJIE = "441900", "441900101"  # 东莞市; 石碣镇司法所, a town's office straight under it


@pytest.fixture
def browser(monkeypatch):
    # Playwright's event loop runs in this thread, where Django would refuse the ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def invite(page, *, email, name, region_label):
    page.goto("/staff/invite/")
    page.fill("[name=email]", email)
    page.fill("[name=display_name]", name)
    page.select_option("[name=role]", value=StaffRole.Role.COORDINATOR)
    page.select_option("[name=region]", label=region_label)
    fits_phone(page)
    page.click("main form button[type=submit]")
    expect(page.locator("ul.messages")).to_contain_text(f"{name}现为{region_label}的协调员。")
    return User.objects.get(email=email)


def test_a_province_imports_its_regions_and_hands_down_roles_to_a_town(browser, reference_data):
    admin = factories.AdminFactory(display_name="省厅管理员")
    with asgi_server() as server:
        office = phone_for(browser, server, admin)

        # The region file: a dry run first, which writes no region.
        office.goto("/staff/regions/import/")
        office.set_input_files("[name=file]", GUANGDONG)
        office.click("main form button[type=submit]")
        expect(office).to_have_url(re.compile(r"/staff/regions/import/\d+/$"))
        expect(office.locator("#new-heading .badge")).to_have_text(re.compile(r"^1,?9\d\d$"))
        fits_phone(office)
        assert not Region.objects.filter(code=DONGGUAN).exists()
        office.click("main form button[type=submit]")  # 应用这些变更
        expect(office.locator("main p.lead[role=status]")).to_contain_text("省厅管理员")
        dongguan = Region.objects.get(code=DONGGUAN)
        assert dongguan.covers(Region.objects.get(code=SHIJIE))

        city = invite(office, email="dg@sfj.dg.gov.cn", name="莫东城", region_label="东莞市")
        assert StaffRole.objects.filter(user=city, region=dongguan).exists()

        # The city coordinator hands a town's office to a colleague there.
        city_page = phone_for(browser, server, city)
        town = invite(
            city_page, email="sj@sfj.dg.gov.cn", name="石小碣", region_label="石碣镇司法所"
        )
        assert StaffRole.objects.get(user=town).region.code == SHIJIE

        # The town coordinator creates a group at their office and sees it.
        town_page = phone_for(browser, server, town)
        town_page.goto("/groups/new/")
        town_page.select_option("[name=judicial_office]", label="石碣镇司法所")
        town_page.select_option("[name=stage]", value="entry")
        town_page.select_option("[name=supervision_level]", value="ordinary")
        town_page.select_option("[name=offence]", label="危险驾驶")
        town_page.select_option("[name=sentence_type]", value="probation")
        town_page.fill("[name=start_date]", "2026-12-01")
        town_page.fill("[name=planned_end_date]", "2027-11-30")
        town_page.select_option("[name=need_employment]", index=1)
        town_page.select_option("[name=approved_regions]", label="东莞市")
        town_page.click("main form button[type=submit]")
        expect(town_page).to_have_url(re.compile(r"/groups/GD-441900-\d{4}-\d{4}/$"))
        expect(town_page.locator("main")).to_contain_text("石碣镇司法所")
        group = CorrectionGroup.objects.get(judicial_office__code=SHIJIE)
        town_page.goto("/groups/")
        expect(town_page.locator("main")).to_contain_text(group.code)
        fits_phone(town_page)

        # The city coordinator has the staff list open, its socket connected ...
        city_page.goto("/staff/")
        expect(city_page.locator("main")).to_contain_text("石小碣")
        expect(city_page.locator("#live-toasts")).to_have_attribute("data-state", "open")

        # ... when the admin revokes the city role.
        role = StaffRole.objects.get(user=city, region=dongguan)
        office.goto(f"/staff/people/{city.pk}/")
        office.click(f'main a[href="/staff/roles/{role.pk}/revoke/"]')
        office.click("main form button[type=submit]")
        expect(office.locator("main")).to_contain_text("莫东城")
        assert not StaffRole.objects.filter(pk=role.pk).exists()

        # Without a reload the open page says so; the socket is closed and stays closed.
        ended = city_page.locator("#live-ended")
        expect(ended).to_contain_text("此页面打开期间，您的访问权限已变更。")
        expect(city_page.locator("#live-toasts")).to_have_attribute("data-state", "closed")
        fits_phone(city_page)
        SCREENSHOTS.mkdir(exist_ok=True)
        city_page.screenshot(path=SCREENSHOTS / "staff-role-revoked.png", full_page=True)
        response = city_page.goto("/staff/")
        assert response.status == 404
        # The town's coordinator keeps the role and the group.
        town_page.goto(f"/groups/{group.code}/")
        expect(town_page.locator("main h1")).to_contain_text(group.code)
