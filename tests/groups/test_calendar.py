"""The sentence's calendar (groups.calendar): each stage on its day and not the day before, the
reminder on the planned end date once, every automatic change audited and on the group's
timeline, and the before-release series given by the curriculum's rule.

The group of tests/groups/conftest.py starts on 2026-03-01 and is planned to end on 2027-02-28:
in correction from 2026-03-31 (30 days), before release from 2026-12-30 (60 days before)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import LessonAssignment
from groups import services
from groups.calendar import calendar_advance
from groups.models import CorrectionGroup, Stage
from groups.tasks import calendar_advance as calendar_task
from messaging.models import Notification
from portal.models import AuditEvent
from tests.curriculum import factories as cf
from tests.curriculum.conftest import tree  # noqa: F401 - a fixture used below
from tests.groups.conftest import group_data

IN_CORRECTION_FROM = date(2026, 3, 31)
BEFORE_RELEASE_FROM = date(2026, 12, 30)
PLANNED_END = date(2027, 2, 28)


def stage_of(group) -> str:
    group.refresh_from_db()
    return group.stage


def stage_audits(group):
    return AuditEvent.objects.filter(
        action="group.stage_changed", object_id=str(group.pk)
    ).order_by("id")


def reminders():
    return Notification.objects.filter(kind="group.end_due")


@pytest.fixture
def advance(django_capture_on_commit_callbacks):
    """Run the calendar for a day as beat does, its commit included (the subscribers of its
    announcements, curriculum and messaging, act after commit)."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return calendar_advance(today=today)

    return run


def test_entry_becomes_in_correction_on_its_day_not_the_day_before(world, advance):
    advance(IN_CORRECTION_FROM - timedelta(days=1))
    assert stage_of(world.group) == Stage.ENTRY
    run = advance(IN_CORRECTION_FROM)
    assert stage_of(world.group) == Stage.ACTIVE
    assert (run.to_active, run.to_pre_release, run.reminded) == (1, 0, 0)


def test_before_release_begins_sixty_days_before_the_planned_end_not_sixty_one(world, advance):
    advance(IN_CORRECTION_FROM)
    advance(BEFORE_RELEASE_FROM - timedelta(days=1))
    assert stage_of(world.group) == Stage.ACTIVE
    advance(BEFORE_RELEASE_FROM)
    assert stage_of(world.group) == Stage.PRE_RELEASE


def test_the_number_of_days_before_release_is_a_setting(world, settings, advance):
    settings.GROUPS_BEFORE_RELEASE_DAYS = 90
    ninety_before = PLANNED_END - timedelta(days=90)
    advance(ninety_before - timedelta(days=1))
    assert stage_of(world.group) == Stage.ACTIVE
    advance(ninety_before)
    assert stage_of(world.group) == Stage.PRE_RELEASE


def test_a_short_sentence_goes_from_entry_straight_to_before_release(regions, world, advance):
    short = services.group_create(
        data=group_data(regions, start_date=date(2026, 3, 1), planned_end_date=date(2026, 4, 15)),
        created_by=world.coordinator,
    )
    advance(date(2026, 3, 2))
    assert stage_of(short) == Stage.PRE_RELEASE
    assert stage_of(world.group) == Stage.ENTRY
    assert [e.data["from"] for e in stage_audits(short)] == [Stage.ENTRY]


def test_running_twice_changes_nothing_more(world, advance):
    first = advance(BEFORE_RELEASE_FROM)
    second = advance(BEFORE_RELEASE_FROM)
    assert first.total == 1 and second.total == 0
    assert stage_audits(world.group).count() == 1


def test_stages_only_move_forward(world, advance):
    """A coordinator who moves a group on early is not overruled by the dates."""
    CorrectionGroup.objects.filter(pk=world.group.pk).update(stage=Stage.ACTIVE)
    assert advance(date(2026, 3, 2)).total == 0
    assert stage_of(world.group) == Stage.ACTIVE


def test_closed_groups_are_left_alone(world, advance):
    services.group_close(group=world.group, reason="terminated", closed_by=world.coordinator)
    assert advance(PLANNED_END + timedelta(days=1)).total == 0
    assert not reminders().exists()


def test_each_automatic_change_is_audited_and_on_the_group_timeline(world, client_for, advance):
    advance(IN_CORRECTION_FROM)
    advance(BEFORE_RELEASE_FROM)
    advance(PLANNED_END)
    audits = list(stage_audits(world.group))
    assert [(a.data["from"], a.data["to"]) for a in audits] == [
        ("entry", "active"),
        ("active", "pre_release"),
    ]
    assert all(a.actor is None and a.region == world.group.judicial_office for a in audits)
    assert AuditEvent.objects.filter(action="group.end_reminded", actor=None).count() == 1

    url = reverse("groups:detail", args=[world.group.code])
    for person in (world.coordinator, world.lead):
        page = client_for(person).get(url).content.decode()
        assert "系统 · 按日期将小组转入“在矫”阶段" in page
        assert "系统 · 按日期将小组转入“解矫前”阶段" in page
        assert "系统 · 提醒组长和协调员结案" in page
        assert "<dt>矫正阶段</dt><dd>解矫前</dd>" in page
    # The timeline is for casework: a volunteer sees the stage, not the trail.
    page = client_for(world.volunteer).get(url).content.decode()
    assert "解矫前" in page and "按日期将小组转入" not in page


def test_the_lead_and_coordinators_are_reminded_on_the_planned_end_date_once(world, advance):
    advance(PLANNED_END - timedelta(days=1))
    assert not reminders().exists()
    assert advance(PLANNED_END).reminded == 1
    told = {world.lead.pk, world.coordinator.pk, world.city_coordinator.pk}
    assert set(reminders().values_list("user_id", flat=True)) == told
    note = reminders().get(user=world.lead)
    assert world.group.code in note.title and "2027-02-28" in note.title
    assert note.url == reverse("groups:detail", args=[world.group.code])
    # Running again, that day or the next, reminds nobody twice.
    advance(PLANNED_END)
    advance(PLANNED_END + timedelta(days=1))
    assert reminders().count() == len(told)
    world.group.refresh_from_db()
    assert world.group.end_reminder_for == PLANNED_END


def test_nobody_outside_the_casework_is_reminded(world, advance):
    advance(PLANNED_END)
    for person in (world.volunteer, world.partner, world.learner, world.other_coordinator):
        assert not reminders().filter(user=person).exists()


def test_an_extended_sentence_is_reminded_again_on_its_new_end_date(regions, world, advance):
    advance(PLANNED_END)
    later = PLANNED_END + timedelta(days=90)
    services.group_update(
        group=world.group,
        data=group_data(regions, planned_end_date=later),
        updated_by=world.coordinator,
    )
    advance(later - timedelta(days=1))
    assert reminders().filter(user=world.lead).count() == 1
    advance(later)
    assert reminders().filter(user=world.lead).count() == 2


def test_the_before_release_series_is_given_by_rule_when_the_stage_begins(tree, world, advance):  # noqa: F811
    before = cf.series("before-release")
    assert before.stage == "pre_release"
    lesson = cf.lesson(before, "解矫前教育：回归社会的准备", stage="pre_release")
    first = cf.lesson(tree.first, "入矫第一课：认识社区矫正", stage="entry")

    def given():
        return dict(
            LessonAssignment.objects.filter(group=world.group).values_list("lesson_id", "source")
        )

    advance(IN_CORRECTION_FROM)
    assert lesson.pk not in given()
    advance(BEFORE_RELEASE_FROM - timedelta(days=1))
    assert lesson.pk not in given()
    advance(BEFORE_RELEASE_FROM)
    assert given()[lesson.pk] == LessonAssignment.Source.PRE_RELEASE
    assert first.pk not in given()  # the entry series is for entry groups only
    assert Notification.objects.filter(
        user=world.learner, kind="curriculum.lesson_assigned"
    ).exists()


def test_the_daily_rule_gives_before_release_groups_their_series_too(tree, world):  # noqa: F811
    from curriculum.services import assignments_by_rule

    lesson = cf.lesson(cf.series("before-release"), "解矫前教育：就业与社会保障")
    CorrectionGroup.objects.filter(pk=world.group.pk).update(stage=Stage.PRE_RELEASE)
    assert assignments_by_rule(month=timezone.localdate()) >= 1
    source = LessonAssignment.objects.get(group=world.group, lesson=lesson).source
    assert source == LessonAssignment.Source.PRE_RELEASE
    assert assignments_by_rule(month=timezone.localdate()) == 0


@pytest.mark.django_db
def test_the_beat_task_runs_the_calendar_for_today(regions, reference_data):
    from tests import factories

    today = timezone.localdate()
    group = services.group_create(
        data=group_data(
            regions, start_date=today - timedelta(days=200), planned_end_date=today + timedelta(60)
        ),
        created_by=factories.coordinator(regions["440106"]),
    )
    assert calendar_task.delay().get() == 1
    assert stage_of(group) == Stage.PRE_RELEASE
    assert calendar_task.delay().get() == 0


def test_the_beat_schedule_runs_the_calendar_daily_before_the_lesson_rules():
    from portal.celery import app

    schedule = app.conf.beat_schedule
    calendar = schedule["groups-calendar-advance"]
    assert calendar["task"] == "groups.tasks.calendar_advance"
    assert calendar_task.name in app.tasks
    rules = schedule["curriculum-assign-by-rule"]["schedule"]
    assert calendar["schedule"].hour == rules.hour == {0}
    assert max(calendar["schedule"].minute) < min(rules.minute)
