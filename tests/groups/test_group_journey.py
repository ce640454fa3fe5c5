"""A coordinator's day with one correction group, in a real headless Chromium at phone size: log
in, open the list, create a group, add a volunteer, close the group; and the same form refusing
dates out of order and a group without needs.

Assertions stay on URLs, field names, values, the database and Chinese data (names, regions),
because the Chinese translations of the groups app are still being written.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from groups.models import CorrectionGroup, GroupNeed, Membership
from portal.models import AuditEvent
from tests import factories
from tests.browser import chromium, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CODE = re.compile(r"GD-440106-\d{4}-\d{4}")


@pytest.fixture
def page(home_page, live_server, monkeypatch):
    """A phone in an English-speaking browser (the portal must still answer in Chinese).
    Per test, after the database fixtures: while Playwright's event loop runs in this thread,
    Django refuses ORM calls (hence the variable) and hands out other connection objects."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield new_page(browser, live_server.url)


@pytest.fixture
def coordinator(regions, reference_data):
    """The coordinator of 天河区, with the managed lists (offences, industries, needs) loaded."""
    return factories.coordinator(regions["440106"])


def url_of(path):
    return re.compile(re.escape(path) + r"$")


def assert_fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(url_of("/me/"))


def open_group_form(page):
    page.goto("/groups/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert_fits_phone(page)
    page.click('main a[href="/groups/new/"]')
    expect(page).to_have_url(url_of("/groups/new/"))
    assert_fits_phone(page)


def fill_group_form(page, *, start, end, needs=True):
    page.select_option("[name=judicial_office]", label="石牌街司法所")
    page.select_option("[name=stage]", value="entry")
    page.select_option("[name=supervision_level]", value="strict")
    page.select_option("[name=offence]", label="危险驾驶")
    page.select_option("[name=sentence_type]", value="probation")
    page.fill("[name=start_date]", start)
    page.fill("[name=planned_end_date]", end)
    if needs:
        page.select_option("[name=need_employment]", value=str(GroupNeed.Priority.HIGH))
        page.select_option("[name=need_legal_aid]", value=str(GroupNeed.Priority.MEDIUM))
    page.locator("details.restrictions summary").click()  # the 20 industries fold away
    page.locator("[name=forbidden_industries]").first.check()
    page.select_option("[name=approved_regions]", label="天河区")


def test_a_coordinator_creates_a_group_adds_a_volunteer_and_closes_it(page, coordinator):
    volunteer = factories.vetted(factories.VolunteerFactory(display_name="张晓明"))
    log_in(page, coordinator)

    open_group_form(page)
    fill_group_form(page, start="2026-03-01", end="2027-02-28")
    screenshot(page, "group-form")
    page.click("main form button[type=submit]")

    expect(page).to_have_url(re.compile(r"/groups/GD-440106-\d{4}-\d{4}/$"))
    heading = page.locator("main h1")
    expect(heading).to_have_text(CODE)
    code = CODE.search(heading.inner_text()).group()
    group_url = f"/groups/{code}/"
    main = page.locator("main")
    for text in ("石牌街司法所", "危险驾驶", "2026-03-01", "2027-02-28", "就业", "天河区"):
        expect(main).to_contain_text(text)
    assert_fits_phone(page)

    page.click(f'main a[href="{group_url}members/add/"]')
    expect(page).to_have_url(url_of(f"{group_url}members/add/"))
    page.fill("[name=email]", volunteer.email)
    page.select_option("[name=role]", value=Membership.Role.VOLUNTEER)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(url_of(group_url))
    current_members = page.locator('section[aria-labelledby="members-h"] > ul.members')
    expect(current_members).to_contain_text("张晓明")
    assert_fits_phone(page)
    screenshot(page, "group-page")

    page.click(f'main a[href="{group_url}close/"]')
    expect(page).to_have_url(url_of(f"{group_url}close/"))
    page.check("[name=reason][value=released]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(url_of(group_url))
    expect(page.locator("main .page-head .badge")).to_be_visible()
    expect(page.locator("main .page-head .badge")).to_contain_text("解矫")
    expect(page.locator(f'main a[href="{group_url}members/add/"]')).to_have_count(0)
    expect(current_members).not_to_contain_text("张晓明")
    page.click("main details summary")  # former members are folded away
    expect(page.locator("main details ul.members")).to_contain_text("张晓明")
    assert_fits_phone(page)
    screenshot(page, "group-closed")

    page.goto("/groups/")
    expect(page.locator(f'main a[href="{group_url}"]')).to_have_text(code)
    assert_fits_phone(page)
    screenshot(page, "group-list")

    group = CorrectionGroup.objects.get(code=code)
    assert group.status == CorrectionGroup.Status.CLOSED
    assert group.closed_reason == CorrectionGroup.ClosedReason.RELEASED
    assert group.created_by == coordinator
    assert group.judicial_office.code == "440106005"
    assert group.offence.code == "dangerous_driving"
    assert (group.stage, group.supervision_level, group.sentence_type) == (
        "released",
        "strict",
        "probation",
    )
    assert str(group.start_date) == "2026-03-01"
    assert str(group.planned_end_date) == "2027-02-28"
    assert dict(group.group_needs.values_list("need__code", "priority")) == {
        "employment": GroupNeed.Priority.HIGH,
        "legal_aid": GroupNeed.Priority.MEDIUM,
    }
    assert group.forbidden_industries.count() == 1
    assert [r.code for r in group.approved_regions.all()] == ["440106"]
    membership = Membership.objects.get(group=group, user=volunteer)
    assert membership.role == Membership.Role.VOLUNTEER
    assert membership.left_at is not None
    actions = set(
        AuditEvent.objects.filter(actor=coordinator, object_id=str(group.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"group.created", "group.member_added", "group.closed"} <= actions


def test_dates_out_of_order_and_no_need_are_refused_and_nothing_is_created(page, coordinator):
    log_in(page, coordinator)
    open_group_form(page)
    fill_group_form(page, start="2026-03-01", end="2026-02-01", needs=False)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    expect(page).to_have_url(url_of("/groups/new/"))
    # Both mistakes are reported at once, each beside what it is about.
    need_error = page.locator("main fieldset.needs ul.errorlist#needs-error")
    expect(need_error).to_be_visible()
    expect(need_error.locator("li").first).not_to_be_empty()
    date_error = page.locator("main ul.errorlist#id_planned_end_date_error")
    expect(date_error).to_be_visible()
    expect(page.locator("[name=planned_end_date]")).to_have_attribute("aria-invalid", "true")
    # What was typed is kept.
    expect(page.locator("[name=judicial_office] option:checked")).to_have_text("石牌街司法所")
    expect(page.locator("[name=start_date]")).to_have_value("2026-03-01")
    expect(page.locator("[name=planned_end_date]")).to_have_value("2026-02-01")
    assert_fits_phone(page)
    screenshot(page, "group-form-errors")

    assert CorrectionGroup.objects.count() == 0
    assert not AuditEvent.objects.filter(action="group.created").exists()
