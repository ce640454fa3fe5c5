"""A volunteer's way in, in a real headless Chromium at phone size: sign up, confirm the e-mail,
complete the profile, the coordinator approves, the volunteer logs hours, the group's lead
confirms them, and the star progress moves."""

import re
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from groups import services as group_services
from groups.models import Membership
from portal.models import AuditEvent, User
from tests import factories
from tests.browser import chromium, new_page
from tests.groups.conftest import group_data
from tests.volunteers.factories import id_number
from volunteers.models import ServiceRecord, VolunteerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
EMAIL = "zhangxiaoming@example.cn"
PASSWORD = "Zhiyuan-Mima-2026!"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield lambda: new_page(browser, live_server.url)


@pytest.fixture
def tianhe(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    return coordinator, group, lead


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/me/$"))


def test_sign_up_to_a_moving_star(tianhe, browser, live_server):
    coordinator, group, lead = tianhe
    volunteer = browser()

    # Sign up and confirm the e-mail.
    volunteer.goto("/accounts/signup/?kind=volunteer")
    volunteer.fill("[name=display_name]", "张晓明")
    volunteer.fill("[name=email]", EMAIL)
    volunteer.fill("[name=password1]", PASSWORD)
    volunteer.fill("[name=password2]", PASSWORD)
    volunteer.click("main form button[type=submit]")
    expect(volunteer).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = CONFIRM_LINK.search(mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    volunteer.goto(live_server.url + urlsplit(link.group()).path)
    volunteer.click("main form button[type=submit]")
    expect(volunteer).to_have_url(re.compile(r"/me/$"))

    # Complete the profile from the home page's first to-do: a draft first, then submitted.
    volunteer.locator('main a[href="/volunteers/profile/"]').first.click()
    expect(volunteer.locator("html")).to_have_attribute("lang", "zh-Hans")
    volunteer.fill("[name=real_name]", "张晓明")
    volunteer.click("button[name=save]")
    expect(volunteer.locator("#profile-status")).to_have_text("草稿")
    expect(volunteer.locator("[name=real_name]")).to_have_value("张晓明")  # resumed
    volunteer.select_option("[name=gender]", value="male")
    volunteer.fill("[name=id_number]", id_number(born="19950402", serial=618))
    volunteer.locator("label", has_text="就业指导").click()
    volunteer.locator("label", has_text="粤语").click()
    volunteer.select_option("[name=regions]", label="天河区")
    for slot in ("15", "16", "18"):  # Saturday morning and afternoon, Sunday morning
        volunteer.check(f"[name=availability][value='{slot}']")
    volunteer.fill("[name=bio]", "IT 工程师，可以帮助求职和学习电脑技能。")
    volunteer.check("[name=accept_pledge]")
    fits_phone(volunteer)
    shot(volunteer, "volunteer-profile-form")
    volunteer.click("button[name=submit]")
    expect(volunteer.locator("#profile-status")).to_have_text("待审核")
    profile = VolunteerProfile.objects.get(user__email=EMAIL)
    assert profile.availability == (1 << 15) | (1 << 16) | (1 << 18)

    # The coordinator approves from the queue.
    office = browser()
    log_in(office, coordinator)
    office.goto("/volunteers/queue/")
    fits_phone(office)
    shot(office, "volunteer-queue")
    office.locator("main a", has_text="张晓明").click()
    expect(office.locator("main")).to_contain_text(profile.id_masked)
    office.select_option("[name=decision]", value="approve")
    office.click("main form button[type=submit]")
    expect(office.locator("#profile-status")).to_have_text("已通过")
    fits_phone(office)
    assert AuditEvent.objects.filter(action="volunteer.approve", actor=coordinator).exists()
    assert any(m.to == [EMAIL] and "审核通过" in m.subject for m in mail.outbox)

    # The coordinator puts them in a group (the groups journey covers that page).
    # In another thread: its events go out through async_to_sync, which refuses to run in the
    # thread where Playwright's event loop is.
    user = User.objects.get(email=EMAIL)
    adding = threading.Thread(
        target=group_services.member_add,
        kwargs={
            "group": group,
            "user": user,
            "role": Membership.Role.VOLUNTEER,
            "added_by": coordinator,
        },
    )
    adding.start()
    adding.join()
    assert Membership.objects.filter(group=group, user=user, left_at__isnull=True).exists()

    # The volunteer logs hours.
    volunteer.goto("/volunteers/hours/")
    expect(volunteer.locator(".star-progress")).to_have_attribute("value", "0")
    yesterday = timezone.localdate() - timedelta(days=1)
    volunteer.fill("[name=date]", yesterday.isoformat())
    volunteer.fill("[name=hours]", "3.5")
    volunteer.select_option("[name=group]", value=group.code)
    volunteer.fill("[name=description]", "一对一就业指导：修改简历")
    volunteer.click("main form button[type=submit]")
    expect(volunteer.locator("table.records")).to_contain_text("待确认")
    fits_phone(volunteer)

    # The group's lead confirms.
    leader = browser()
    log_in(leader, lead)
    leader.goto("/volunteers/hours/review/")
    card = leader.locator("ul.records li").first
    expect(card).to_contain_text("张晓明")
    fits_phone(leader)
    shot(leader, "hours-review")
    card.locator("button[name=confirm][value='1']").click()
    expect(leader.locator("main")).not_to_contain_text("一对一就业指导")

    # The star progress moved.
    volunteer.goto("/volunteers/hours/")
    expect(volunteer.locator("table.records")).to_contain_text("已确认")
    expect(volunteer.locator(".star-progress")).to_have_attribute("value", "3")
    expect(volunteer.locator(".star-next")).to_contain_text("96.5")
    fits_phone(volunteer)
    shot(volunteer, "star-progress")
    record = ServiceRecord.objects.get()
    assert (record.status, record.decided_by) == ("confirmed", lead)
