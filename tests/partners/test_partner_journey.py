"""The partners journey in a real headless Chromium at phone size: an enterprise member signs
up, registers the organisation with its licence, a coordinator verifies it, the member posts a
job, a group's lead refers the group, the employer moves the referral to hired, and 30 days
later the follow-up is due.

Assertions stay on URLs, field names, the database and Chinese data.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from groups import services as group_services
from partners import tasks
from partners.models import FollowUp, JobPlacement, Organisation, Referral
from portal.models import AuditEvent
from tests import factories
from tests.browser import chromium, new_page
from tests.groups.conftest import group_data
from tests.partners.factories import PDF, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")
EMAIL = "hr@yuexin.example.cn"


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def phone(browser, live_server):
    """A separate phone (its own cookies) for each person."""
    return new_page(browser, live_server.url)


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


def submit(page):
    with page.expect_navigation():
        page.click("main form.card button[type=submit]")


def run_follow_up_sweep() -> int:
    try:
        # Eager tasks of the live server's thread (search index, suggestions) set Celery's
        # process-wide 'inside a task' flag for a moment; this join is not inside one.
        return tasks.follow_ups_due.delay().get(disable_sync_subtasks=False)
    finally:
        connections.close_all()  # this thread's connection, or the test database stays in use


@pytest.fixture
def cast(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    return coordinator, group, lead


def test_from_sign_up_to_the_30_day_follow_up(cast, browser, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    coordinator, group, lead = cast

    # 1. The enterprise's HR manager signs up as a partner member and confirms the address.
    member = phone(browser, live_server)
    member.goto("/accounts/signup/?kind=partner")
    expect(member.locator("[name=kind][value=partner]")).to_be_checked()
    member.fill("[name=display_name]", "黄经理")
    member.fill("[name=email]", EMAIL)
    member.fill("[name=password1]", factories.PASSWORD)
    member.fill("[name=password2]", factories.PASSWORD)
    member.press("[name=password2]", "Enter")
    expect(member).to_have_url(url_of("/accounts/confirm-email/"))
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group()
    member.goto(urlsplit(link).path)
    member.click("main form button[type=submit]")
    expect(member).to_have_url(url_of("/me/"))

    # 2. Registers the organisation with its licence.
    member.goto("/partners/mine/")
    assert_fits_phone(member)
    member.click('main a[href="/partners/organisations/new/"]')
    member.select_option("[name=kind]", value="enterprise")
    member.fill("[name=name]", "广州粤新制造有限公司")
    member.fill("[name=credit_code]", credit_code())
    member.select_option("[name=region]", label="天河区")
    member.fill("[name=address]", "广州市天河区天河路100号")
    member.fill("[name=contact_name]", "黄经理")
    member.fill("[name=contact_phone]", "13800138000")
    member.set_input_files(
        "[name=licence]", {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert_fits_phone(member)
    submit(member)
    organisation = Organisation.objects.get(name="广州粤新制造有限公司")
    manage = f"/partners/organisations/{organisation.pk}/manage/"
    expect(member).to_have_url(url_of(manage))
    expect(member.locator("main .badge.status-pending")).to_be_visible()
    expect(
        member.locator(f'main a[href="/partners/organisations/{organisation.pk}/job/new/"]')
    ).to_have_count(0)
    screenshot(member, "partners-registered")

    # 3. The coordinator of 天河区 opens the licence and verifies.
    staff = phone(browser, live_server)
    log_in(staff, coordinator)
    staff.goto("/partners/verification/")
    staff.click(f'main a[href="/partners/verification/{organisation.pk}/"]')
    licence = staff.request.get(f"/partners/verification/{organisation.pk}/licence/")
    assert licence.status == 200 and licence.body().startswith(b"%PDF")
    assert_fits_phone(staff)
    with staff.expect_navigation():
        staff.click("main button[name=decision][value=verify]")
    expect(staff).to_have_url(url_of("/partners/verification/"))
    organisation.refresh_from_db()
    assert organisation.is_verified

    # 4. The member posts a job.
    member.goto(manage)
    expect(member.locator("main .badge.status-verified")).to_be_visible()
    member.click(f'main a[href="/partners/organisations/{organisation.pk}/job/new/"]')
    today = timezone.localdate()
    member.fill("[name=title]", "数控车床操作工")
    member.fill("[name=description]", "负责数控车床操作，包吃住。")
    member.select_option("[name=industry]", label="制造业")
    member.select_option("[name=work_locations]", label="天河区")
    member.fill("[name=positions]", "3")
    member.fill("[name=salary_min]", "4500")
    member.fill("[name=salary_max]", "6500")
    member.select_option("[name=employment_type]", value="full_time")
    member.fill("[name=hours]", "每周五天，8:00-17:00")
    member.fill("[name=opens_on]", today.isoformat())
    member.fill("[name=closes_on]", (today + timedelta(days=60)).isoformat())
    member.check("[name=publish]")
    assert_fits_phone(member)
    submit(member)
    job = JobPlacement.objects.get(title="数控车床操作工")
    expect(member).to_have_url(url_of(f"/partners/jobs/{job.pk}/"))
    assert job.status == "open"

    # 5. The group's lead finds the job in the public list and refers the group.
    social_worker = phone(browser, live_server)
    log_in(social_worker, lead)
    social_worker.goto("/partners/jobs/?region=440106&industry=C&salary=5000")
    assert_fits_phone(social_worker)
    social_worker.click(f'main a[href="/partners/jobs/{job.pk}/"]')
    social_worker.click(f'main a[href="/partners/job/{job.pk}/refer/"]')
    # The person's signed consent is not on record yet: the page leads to the group's consents.
    social_worker.click(f'main a[href^="/partners/groups/{group.code}/consents/"]')
    expect(social_worker.locator("[name=organisation]")).to_have_value(str(organisation.pk))
    expect(social_worker.locator("[name=purpose]")).to_have_value("jobs")
    social_worker.fill("[name=scope]", "同意向该企业推荐就业，可告知可工作时间和工作经历。")
    assert_fits_phone(social_worker)
    submit(social_worker)
    expect(social_worker.locator("main .consent .badge")).to_have_text("有效")
    screenshot(social_worker, "partners-consent")
    social_worker.goto(f"/partners/job/{job.pk}/refer/")
    social_worker.select_option("[name=group]", value=group.code)
    social_worker.fill("[name=availability]", "工作日白天")
    social_worker.fill("[name=experience]", "做过三年车工")
    assert_fits_phone(social_worker)
    screenshot(social_worker, "partners-refer")
    submit(social_worker)
    referral = Referral.objects.get()
    expect(social_worker).to_have_url(url_of(f"/partners/referrals/{referral.pk}/"))

    # 6. The employer sees the pseudonym and the shared facts, and moves it to hired.
    member.goto(manage)
    member.click(f'main a[href="/partners/referrals/{referral.pk}/"]')
    expect(member.locator("main h1")).to_have_text(group.code)
    expect(member.locator("main")).to_contain_text("做过三年车工")
    for status in ("interview", "offered", "hired"):
        member.check(f"[name=status][value={status}]")
        with member.expect_navigation():
            member.click("main form.move-form button[type=submit]")
    assert_fits_phone(member)
    screenshot(member, "partners-hired")
    referral.refresh_from_db()
    assert referral.status == "hired"

    # 7. Thirty days on, the follow-up is due: the lead is told and records it.
    FollowUp.objects.filter(referral=referral, days=30).update(due_on=timezone.localdate())
    # Off Playwright's thread: the task publishes events, which must not run inside its loop.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(run_follow_up_sweep).result() == 1
    social_worker.goto(f"/partners/referrals/{referral.pk}/")
    expect(social_worker.locator("main li.follow-up.due")).to_have_count(1)
    social_worker.check("[name=outcome][value=employed]")
    with social_worker.expect_navigation():
        social_worker.click("main li.follow-up form button[type=submit]")
    assert_fits_phone(social_worker)
    screenshot(social_worker, "partners-follow-up")
    assert FollowUp.objects.get(referral=referral, days=30).outcome == "employed"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "organisation.registered",
        "organisation.verified",
        "jobplacement.created",
        "group.consent_recorded",
        "referral.referred",
        "referral.viewed",
        "referral.hired",
        "referral.follow_up",
    } <= actions
