"""The curriculum's journey in a real headless Chromium: an education officer drafts a lesson in
Wagtail and submits it, a reviewer approves it, it goes live, the learner opens it on a phone
and completes it with the quiz, and the group's lead sees the hours.

Assertions stay on URLs, names, the database and Chinese data, not on translated labels.
"""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from curriculum import services
from curriculum.models import LearningHours, LessonCompletion, LessonPage
from portal.services import staff_role_grant
from tests import factories
from tests.conftest import CHROMIUM
from tests.curriculum import factories as cf
from tests.curriculum.conftest import backdate_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser(home_page, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )

        def new_page(*, phone=True):
            size = (
                {"width": PHONE_WIDTH, "height": 740} if phone else {"width": 1280, "height": 900}
            )
            context = chromium.new_context(
                base_url=live_server.url,
                viewport=size,
                is_mobile=phone,
                has_touch=phone,
                locale="zh-CN",
            )
            context.set_default_timeout(15_000)
            return context.new_page()

        yield new_page
        chromium.close()


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/me/$"))


def assert_fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def click_hidden(page, selector):
    """Wagtail keeps secondary actions in a drop-down; press the button itself."""
    page.wait_for_selector(selector, state="attached")
    with page.expect_navigation():
        page.eval_on_selector(selector, "button => button.click()")


def off_loop(function, **kwargs):
    """Run a service in a thread of its own: while Playwright's event loop runs in this one, the
    events a service sends on commit cannot be delivered from here."""
    result = {}

    def run():
        try:
            result["value"] = function(**kwargs)
        finally:
            connection.close()  # the thread's own connection, so the test database can go

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result.get("value")


@pytest.fixture
def setting(regions, reference_data, world):
    """Everything before the browser starts (the services send events on commit). The learner's
    account was made by the coordinator; here it gets the test password to log in with."""
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    return world


def test_officer_drafts_reviewer_approves_learner_completes_lead_sees_hours(
    setting, browser, regions
):
    world = setting
    tree = off_loop(services.curriculum_tree_ensure)
    theme = cf.theme(tree, timezone.localdate())
    officer = factories.UserFactory(kind="staff", display_name="陈老师")
    off_loop(
        staff_role_grant,
        user=officer,
        role="education_officer",
        region=regions["440106"],
        granted_by=None,
    )
    reviewer = factories.UserFactory(kind="staff", display_name="王审核")
    off_loop(services.reviewer_add, user=reviewer, added_by=None)
    draft = cf.lesson(theme, "好家风伴我行", publish=False)
    assert not draft.live

    # The officer edits the draft in Wagtail and submits it to the review workflow.
    page = browser(phone=False)
    log_in(page, officer)
    page.goto(f"/admin/pages/{draft.pk}/edit/")
    page.fill("#id_title", "好家风伴我行：家训里的智慧")
    click_hidden(page, 'button[name="action-submit"]')
    screenshot(page, "curriculum-officer-submitted")
    lesson = LessonPage.objects.get(pk=draft.pk)
    assert not lesson.live
    assert lesson.workflow_in_progress
    page.context.close()

    # The reviewer approves it; it goes live.
    page = browser(phone=False)
    log_in(page, reviewer)
    page.goto(f"/admin/pages/{draft.pk}/edit/")
    click_hidden(
        page, 'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    )
    lesson = LessonPage.objects.get(pk=draft.pk)
    assert lesson.live and lesson.title == "好家风伴我行：家训里的智慧"
    page.context.close()
    off_loop(services.assignments_by_rule, month=timezone.localdate())

    # The learner opens it on a phone, spends its time, answers the quiz.
    page = browser()
    log_in(page, world.learner)
    page.goto(lesson.url)
    expect(page.locator("main h1")).to_have_text("好家风伴我行：家训里的智慧")
    assert "is_correct" not in page.content()
    assert_fits_phone(page)
    backdate_start(world.group, lesson, 45)  # the 45 minutes pass
    page.reload()
    page.check('input[name="q0"][value="1"]')
    page.check('input[name="q1"][value="0"]')
    screenshot(page, "curriculum-lesson-quiz")
    with page.expect_navigation():
        page.click('#learn form button[type="submit"]')
    expect(page.locator("main .messages")).to_contain_text("45")
    expect(page.locator("#learn")).to_contain_text("100%")
    assert_fits_phone(page)
    completion = LessonCompletion.objects.get()
    assert (completion.group, completion.score, completion.recorded_by) == (
        world.group,
        100,
        world.learner,
    )
    page.context.close()

    # The lead sees the hours.
    page = browser()
    log_in(page, world.lead)
    page.goto(f"/learning/groups/{world.group.code}/")
    expect(page.locator("main h1")).to_contain_text(world.group.code)
    expect(page.locator("td[data-total-minutes]").first).to_have_attribute(
        "data-total-minutes", "45"
    )
    expect(page.locator("main")).to_contain_text("好家风伴我行：家训里的智慧")
    assert_fits_phone(page)
    screenshot(page, "curriculum-lead-hours")
    assert LearningHours.objects.get(group=world.group).total_minutes == 45
    assert timezone.now() - completion.completed_at < timedelta(minutes=5)
