"""A coordinator matches a group in a real headless Chromium at phone size: open the group, open
its suggestions, read why each candidate is suggested, accept a volunteer and a job; meanwhile
the volunteer, logged in in a second browser, has heard nothing until the accept, then finds
the notification.
"""

import re

import pytest
from playwright.sync_api import expect

from groups import services as group_services
from messaging.models import Notification
from partners.models import Referral
from portal.models import AuditEvent
from tests import factories
from tests.browser import chromium, new_page
from tests.groups.conftest import group_data
from tests.groups.test_group_journey import assert_fits_phone, screenshot, url_of
from tests.matching.test_matching_accept import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    """Two phones in English-speaking browsers (the portal answers in Chinese anyway), so the
    coordinator and the volunteer each have their own session. See test_group_journey.page."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield lambda: new_page(browser, live_server.url)


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/$"))


def card(page, kind, candidate_id):
    return page.locator(f'main li.suggestion[data-kind="{kind}"][data-id="{candidate_id}"]')


def test_a_coordinator_accepts_a_volunteer_and_a_job_and_the_volunteer_is_told(browser, world):
    group_url = f"/groups/{world.group.code}/"
    suggestions_url = f"{group_url}suggestions/"

    volunteer = browser()
    log_in(volunteer, world.candidate)
    volunteer.goto("/messages/notifications/")
    expect(volunteer.locator("#notification-list")).not_to_contain_text(world.group.code)

    coordinator = browser()
    log_in(coordinator, world.coordinator)
    coordinator.goto("/groups/")
    coordinator.click(f'main a[href="{group_url}"]')
    expect(coordinator).to_have_url(url_of(group_url))
    coordinator.click(f'main a[href="{suggestions_url}"]')
    expect(coordinator).to_have_url(url_of(suggestions_url))
    expect(coordinator.locator("html")).to_have_attribute("lang", "zh-Hans")

    person = card(coordinator, "volunteer", world.candidate.pk)
    expect(person).to_contain_text("陈律师")
    expect(person.locator(".reasons")).to_contain_text("同一司法所")
    expect(person.locator(".reasons")).to_contain_text("法律援助技能匹配")
    expect(person.locator(".score")).to_contain_text(re.compile(r"\d"))
    job = card(coordinator, "job", world.job.pk)
    expect(job).to_contain_text("数控车床操作工")
    expect(job.locator(".reasons li").first).to_be_visible()
    assert_fits_phone(coordinator)
    screenshot(coordinator, "matching-suggestions")

    # Being suggested tells the volunteer nothing.
    volunteer.reload()
    expect(volunteer.locator("#notification-list")).not_to_contain_text(world.group.code)

    with coordinator.expect_navigation():
        person.locator("button.accept").click()
    expect(coordinator).to_have_url(url_of(suggestions_url))
    expect(coordinator.locator("main .message-success")).to_contain_text("陈律师")
    expect(card(coordinator, "volunteer", world.candidate.pk)).to_have_count(0)

    with coordinator.expect_navigation():
        card(coordinator, "job", world.job.pk).locator("button.accept").click()
    expect(coordinator.locator("main .message-success")).to_contain_text("数控车床操作工")
    expect(card(coordinator, "job", world.job.pk)).to_have_count(0)
    assert_fits_phone(coordinator)
    screenshot(coordinator, "matching-accepted")

    coordinator.goto(group_url)
    members = coordinator.locator('section[aria-labelledby="members-h"] > ul.members')
    expect(members).to_contain_text("陈律师")

    volunteer.reload()
    notice = volunteer.locator("#notification-list li.unread")
    expect(notice).to_contain_text(world.group.code)
    assert_fits_phone(volunteer)
    screenshot(volunteer, "matching-volunteer-notified")
    with volunteer.expect_navigation():
        notice.locator("button").click()
    expect(volunteer).to_have_url(url_of(group_url))
    expect(volunteer.locator("main h1")).to_contain_text(world.group.code)

    assert world.group.memberships.filter(user=world.candidate, left_at__isnull=True).exists()
    assert Referral.objects.get().job == world.job
    assert Notification.objects.filter(user=world.candidate, kind="match.accepted").count() == 1
    assert (
        AuditEvent.objects.filter(
            action="group.suggestion_accepted", actor=world.coordinator
        ).count()
        == 2
    )


def test_a_decline_needs_its_reason_and_hides_the_candidate(browser, world):
    coordinator = browser()
    log_in(coordinator, world.coordinator)
    coordinator.goto(f"/groups/{world.group.code}/suggestions/")
    person = card(coordinator, "social_worker", world.candidate_social_worker.pk)
    person.locator("details.decline summary").click()
    reason = person.locator("[name=reason]")
    expect(reason).to_be_visible()
    assert_fits_phone(coordinator)
    # The browser itself refuses an empty reason before anything is sent.
    person.locator("details.decline button[type=submit]").click()
    assert reason.evaluate("el => el.validity.valueMissing")
    reason.fill("与矫正对象是邻居，需回避")
    with coordinator.expect_navigation():
        person.locator("details.decline button[type=submit]").click()
    expect(coordinator.locator("main .message-success")).to_be_visible()
    expect(card(coordinator, "social_worker", world.candidate_social_worker.pk)).to_have_count(0)
    assert world.group.declines.get().reason == "与矫正对象是邻居，需回避"


def test_a_coordinator_reviews_the_region_and_accepts_part_of_the_bulk_proposal(
    browser, world, regions
):
    second = group_services.group_create(
        data=group_data(regions, needs={"legal_aid": 1}), created_by=world.coordinator
    )
    coordinator = browser()
    log_in(coordinator, world.coordinator)
    coordinator.goto("/groups/")
    coordinator.click('main a[href="/groups/matching/"]')
    overview = coordinator.locator(f'main li.overview[data-group="{second.code}"]')
    expect(overview).to_contain_text("石牌街司法所")
    expect(overview).to_contain_text("陈律师")
    assert_fits_phone(coordinator)
    screenshot(coordinator, "matching-region")

    coordinator.click('main a[href="/groups/matching/proposal/"]')
    expect(coordinator.locator("#greedy-total")).to_be_visible()
    expect(coordinator.locator("#gain")).to_contain_text("+")
    rows = coordinator.locator("main input[name=row]")
    expect(rows).to_have_count(2)
    assert_fits_phone(coordinator)
    screenshot(coordinator, "matching-proposal")
    # Keep only the row for the second group.
    for i in range(2):
        row = rows.nth(i)
        if not row.get_attribute("value").startswith(f"{second.pk}:"):
            row.uncheck()
    with coordinator.expect_navigation():
        coordinator.click("main form[method=post] button[type=submit]")
    expect(coordinator.locator("#accepted li")).to_have_count(1)
    expect(coordinator.locator("#accepted")).to_contain_text(second.code)
    assert_fits_phone(coordinator)

    assert second.memberships.filter(left_at__isnull=True).exists()
    assert not world.group.memberships.filter(
        user_id__in=[world.candidate.pk, world.candidate_social_worker.pk]
    ).exists()
