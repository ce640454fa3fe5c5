"""Every role reaches its main task from its home page (/me/) in at most three taps, on a phone:
Chromium at 375 px, tapping only what is on the screen (the bottom tab bar, the to-dos of /me/,
its list of places, the links of the pages on the way), never typing an address after the login.
Each journey counts its taps, checks that the task's page (its heading, its form) is reached and
that the page fits the phone's width."""

import re
from contextlib import ExitStack
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from curriculum import services as curriculum_services
from curriculum.services import SessionData
from groups import services as group_services
from partners import services as partner_services
from portal.models import StaffRole
from portal.services import staff_role_grant
from tests import factories
from tests.browser import PHONE, chromium, new_page
from tests.curriculum import factories as cf
from tests.groups import conftest as groups_conftest
from tests.groups.conftest import group_data
from tests.partners.conftest import build_world
from tests.volunteers import factories as vf
from volunteers.models import ServiceRecord, VolunteerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The group of tests/groups (a lead, a social worker, a volunteer, a partner, a learner).
world = groups_conftest.world

MAX_TAPS = 3
PHONE_WIDTH = PHONE["width"]


class Taps:
    """tap(page, target): tap a visible link or button (a selector or a locator) and count it."""

    def __init__(self):
        self.count = 0

    def __call__(self, page, target):
        locator = page.locator(target) if isinstance(target, str) else target
        expect(locator).to_be_visible()
        locator.tap()
        self.count += 1
        page.wait_for_load_state()


@pytest.fixture
def phone(home_page, live_server, monkeypatch):
    """phone(user) -> (a page on /me/ after logging in, a tap counter at zero). Chromium starts
    on the first call, after the test's data is built: while Playwright's event loop runs in
    this thread, the services' on-commit deliveries could not run."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with ExitStack() as stack:
        browsers = []

        def start(user):
            if not browsers:
                browsers.append(stack.enter_context(chromium()))
            page = new_page(browsers[0], live_server.url, locale="zh-CN")
            page.goto("/accounts/login/")
            page.fill("[name=login]", user.email)
            page.fill("[name=password]", factories.PASSWORD)
            page.locator("main form button[type=submit]").click()
            expect(page).to_have_url(path("/me/"))
            expect(page.locator("nav.tab-bar")).to_be_visible()
            return page, Taps()

        yield start


def path(value):
    return re.compile(re.escape(value) + r"(\?.*)?$")


def tab(page, url):
    return page.locator(f'nav.tab-bar a[href="{url}"]')


def place(page, url):
    return page.locator(f'.place-list a[href="{url}"]')


def arrived(page, taps, url, heading):
    """The task's page is reached within three taps, shows its heading and fits the phone."""
    expect(page).to_have_url(url if isinstance(url, re.Pattern) else path(url))
    expect(page.locator("main h1")).to_contain_text(heading)
    assert taps.count <= MAX_TAPS, (page.url, taps.count)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


# --- volunteer --------------------------------------------------------------------------------


def test_a_volunteer_logs_hours_for_their_group_in_two_taps(phone, world):
    """The tab, then the form's button: the group (which has a learner) is offered."""
    page, tap = phone(world.volunteer)
    tap(page, tab(page, "/volunteers/hours/"))
    arrived(page, tap, "/volunteers/hours/", "我的服务时长")
    form = page.locator("main form").filter(has=page.locator("[name=hours]"))
    form.locator("[name=group]").select_option(value=world.group.code)
    form.locator("[name=date]").fill(f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}")
    form.locator("[name=hours]").fill("2")
    form.locator("[name=description]").fill("陪同参加社区公益劳动")
    tap(page, form.locator("button[type=submit]"))
    arrived(page, tap, "/volunteers/hours/", "我的服务时长")
    expect(page.locator("main table.records")).to_contain_text(world.group.code)
    record = ServiceRecord.objects.get(profile__user=world.volunteer)
    assert (record.group, record.hours, record.status) == (
        world.group,
        Decimal("2"),
        ServiceRecord.Status.PENDING,
    )


def test_a_volunteer_signs_up_for_an_activity_in_three_taps(phone, regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    volunteer = factories.vetted(factories.VolunteerFactory(display_name="张晓明"))
    activity = vf.activity(regions["440106005"], created_by=coordinator, title="社区普法宣传日")
    page, tap = phone(volunteer)

    tap(page, tab(page, "/volunteers/activities/"))
    arrived(page, tap, "/volunteers/activities/", "志愿活动")
    tap(page, page.locator("main").get_by_role("link", name="社区普法宣传日"))
    detail = f"/volunteers/activities/{activity.pk}/"
    arrived(page, tap, detail, "社区普法宣传日")
    sign_up = f'main form[action="{detail}sign-up/"] button[type=submit]'
    tap(page, sign_up)
    # Signed up: the page offers to cancel the sign-up instead.
    arrived(page, tap, detail, "社区普法宣传日")
    expect(page.locator(f'main form[action="{detail}cancel/"]')).to_be_visible()
    assert activity.signups.filter(profile__user=volunteer).exists()


# --- coordinator ------------------------------------------------------------------------------


def test_a_coordinator_opens_the_vetting_queue_in_one_tap(phone, world):
    vf.profile(status=VolunteerProfile.Status.SUBMITTED, real_name="孙志远")
    page, tap = phone(world.coordinator)
    tap(page, tab(page, "/volunteers/queue/"))
    arrived(page, tap, "/volunteers/queue/", "志愿者审核")
    expect(page.locator("main")).to_contain_text("孙志远")


def test_a_coordinator_opens_the_groups_without_a_volunteer_in_one_tap(phone, world, regions):
    lonely = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    page, tap = phone(world.coordinator)
    tap(page, page.locator(".todo-list a", has_text="尚无志愿者的小组"))
    arrived(page, tap, re.compile(r"/groups/\?.*no_volunteer=on"), "矫正小组")
    main = page.locator("main")
    expect(main).to_contain_text(lonely.code)
    expect(main).not_to_contain_text(world.group.code)  # it has a volunteer


def test_a_coordinator_reaches_the_new_group_form_in_two_taps(phone, world):
    page, tap = phone(world.coordinator)
    tap(page, tab(page, "/groups/"))
    arrived(page, tap, "/groups/", "矫正小组")
    tap(page, 'main a[href="/groups/new/"]')
    arrived(page, tap, "/groups/new/", "新建矫正小组")
    expect(page.locator("main form [name=judicial_office]")).to_be_visible()


# --- social workers: the group's lead and a member ------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "social_worker"])
def test_the_groups_social_workers_open_its_page_in_two_taps(phone, world, role):
    page, tap = phone(getattr(world, role))
    tap(page, tab(page, "/groups/mine/"))
    arrived(page, tap, "/groups/mine/", "我的小组")
    tap(page, page.locator("main").get_by_role("link", name=world.group.code))
    arrived(page, tap, f"/groups/{world.group.code}/", world.group.code)


@pytest.mark.parametrize("role", ["lead", "social_worker"])
def test_the_groups_social_workers_open_its_chat_in_two_taps(phone, world, role):
    page, tap = phone(getattr(world, role))
    tap(page, tab(page, "/messages/"))
    tap(page, f'main a[href="/messages/group/{world.group.code}/"]')
    arrived(page, tap, re.compile(r"/messages/(group|c)/"), world.group.code)
    expect(page.locator("main form textarea, main form [name=body]").first).to_be_visible()


# --- partner member ---------------------------------------------------------------------------


@pytest.fixture
def partner_world(regions, reference_data, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    partners = build_world(regions)
    partners.referral = partner_services.referral_create(
        group=partners.group,
        posting=partners.job,
        shared={"skills": ["职业技能培训"], "availability": "工作日白天"},
        referred_by=partners.lead,
    )
    return partners


def test_a_partner_member_answers_a_waiting_referral_in_two_taps(phone, partner_world):
    referral = partner_world.referral
    page, tap = phone(partner_world.member)
    tap(page, page.locator(".todo-list a", has_text="待您答复的转介"))
    arrived(page, tap, "/partners/referrals/", "转介")
    tap(page, f'main a[href="/partners/referrals/{referral.pk}/"]')
    arrived(page, tap, f"/partners/referrals/{referral.pk}/", referral.group.code)
    answer = page.locator(f'main form[action="/partners/referrals/{referral.pk}/move/"]')
    expect(answer).to_be_visible()
    expect(answer.locator("button[type=submit]")).to_be_visible()


# --- learner ----------------------------------------------------------------------------------


@pytest.fixture
def lesson_today(world, home_page):
    """This month's lesson, and an offline session of the learner's group under way today."""
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    index = curriculum_services.curriculum_tree_ensure()
    lesson = cf.lesson(cf.theme(index, timezone.localdate()), "好家风伴我行")
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    start = max(midnight, now - timedelta(minutes=30))
    curriculum_services.session_schedule(
        data=SessionData(
            lesson=lesson,
            starts_at=start,
            ends_at=now + timedelta(hours=2),
            place="天河南街社区活动室",
            facilitator="陈老师",
            groups=[world.group],
        ),
        scheduled_by=world.coordinator,
    )
    return lesson


def test_a_learner_reaches_todays_lesson_in_one_tap(phone, world, lesson_today):
    page, tap = phone(world.learner)
    tap(page, page.locator(".todo-list a", has_text="今日课程：好家风伴我行"))
    arrived(page, tap, "/learning/mine/", "我的课程")
    expect(page.locator("main")).to_contain_text(world.group.code)


def test_a_learner_reaches_their_learning_page_in_one_tap(phone, world):
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    page, tap = phone(world.learner)
    tap(page, tab(page, "/learning/mine/"))
    arrived(page, tap, "/learning/mine/", "我的课程")


# --- education officer ------------------------------------------------------------------------


@pytest.fixture
def officer(regions, reference_data, home_page):
    user = factories.UserFactory(kind="staff", display_name="陈老师")
    staff_role_grant(
        user=user, role=StaffRole.Role.EDUCATION_OFFICER, region=regions["440106"], granted_by=None
    )
    curriculum_services.curriculum_tree_ensure()
    return user


def test_an_education_officer_reaches_the_sessions_in_one_tap(phone, officer):
    page, tap = phone(officer)
    tap(page, tab(page, "/learning/sessions/"))
    arrived(page, tap, "/learning/sessions/", "线下课堂")


def test_an_education_officer_reaches_the_lesson_editor_in_one_tap(phone, officer):
    page, tap = phone(officer)
    tap(page, page.locator("main").get_by_role("link", name="编辑课程和每月一主题"))
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert tap.count <= MAX_TAPS
    expect(page.locator("main h1, main h2").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


# --- observer ---------------------------------------------------------------------------------


def test_an_observer_reaches_the_region_dashboard_in_one_tap(phone, regions):
    observer = factories.StaffRoleFactory(
        role=StaffRole.Role.OBSERVER, region=regions["440106"], user__display_name="区领导"
    ).user
    page, tap = phone(observer)
    tap(page, place(page, "/dashboard/"))
    arrived(page, tap, "/dashboard/440106/", "天河区数据看板")
