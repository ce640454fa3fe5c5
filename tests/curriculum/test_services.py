"""The curriculum's services: online completion with the quiz, sessions and attendance,
learning hours, assignment by rule and by the lead, month-end shortfalls, the editorial flow."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from curriculum import services
from curriculum.models import (
    Attendance,
    LearningHours,
    LessonAssignment,
    LessonCompletion,
    LessonPage,
    LessonSession,
)
from curriculum.services import SessionData
from curriculum.services.hours import month_bounds, month_of
from groups import services as group_services
from groups.models import Stage
from messaging.models import Notification
from portal.models import AuditEvent
from tests import factories
from tests.curriculum import factories as cf
from tests.curriculum.conftest import open_lesson

pytestmark = pytest.mark.django_db


# --- online completion -------------------------------------------------------------------


def test_a_learner_completes_a_lesson_once_and_the_hours_count(tree, world):
    open_lesson(world.group, tree.lesson)
    completion = services.lesson_complete(
        lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.learner
    )
    assert completion.score == 100 and completion.minutes == 45 and not completion.on_behalf
    hours = LearningHours.objects.get(group=world.group)
    assert (hours.online_minutes, hours.offline_minutes, hours.total_minutes) == (45, 0, 45)
    assert AuditEvent.objects.filter(action="curriculum.lesson_completed").count() == 1

    with pytest.raises(ValidationError, match="已经完成"):
        services.lesson_complete(
            lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.learner
        )
    assert LessonCompletion.objects.count() == 1
    assert LearningHours.objects.get(group=world.group).total_minutes == 45


def test_the_lead_may_complete_on_the_learners_behalf(tree, world):
    open_lesson(world.group, tree.lesson)
    completion = services.lesson_complete(
        lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.lead
    )
    assert completion.on_behalf


@pytest.mark.parametrize("person", ["volunteer", "social_worker", "outsider", "coordinator"])
def test_no_one_else_may_complete(tree, world, person):
    open_lesson(world.group, tree.lesson)
    with pytest.raises(ValidationError):
        services.lesson_complete(
            lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=getattr(world, person)
        )
    assert not LessonCompletion.objects.exists()


def test_a_failed_quiz_records_nothing(tree, world):
    open_lesson(world.group, tree.lesson)
    with pytest.raises(ValidationError, match="60"):
        services.lesson_complete(
            lesson=tree.lesson, group=world.group, answers=cf.WRONG, user=world.learner
        )
    with pytest.raises(ValidationError, match="第 2 题"):
        services.lesson_complete(
            lesson=tree.lesson, group=world.group, answers={"q0": "1"}, user=world.learner
        )
    assert not LessonCompletion.objects.exists()
    assert not LearningHours.objects.exists()


def test_the_lessons_time_must_be_spent(tree, world, settings):
    settings.CURRICULUM_SECONDS_PER_STUDY_MINUTE = 1  # two lesson minutes: two real seconds
    lesson = cf.lesson(tree.theme, "人生规划：写给五年后的自己", duration_minutes=2)

    def complete():
        return services.lesson_complete(
            lesson=lesson, group=world.group, answers=cf.RIGHT, user=world.learner
        )

    with pytest.raises(ValidationError, match="这门课程需要学习 2 分钟，打开后才过了 0 分钟"):
        complete()  # never opened
    services.lesson_open(lesson=lesson, group=world.group)
    with pytest.raises(ValidationError, match="打开后才过了 0 分钟"):
        complete()
    assert not LessonCompletion.objects.exists()
    time.sleep(2.1)
    assert complete().minutes == 2


def test_a_closed_group_completes_nothing(tree, world):
    open_lesson(world.group, tree.lesson)
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    world.group.refresh_from_db()
    with pytest.raises(ValidationError):
        services.lesson_complete(
            lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.lead
        )


def test_a_lesson_without_quiz_completes_on_time_alone(tree, world):
    lesson = cf.lesson(tree.theme, "人生规划第一课", quiz=False, duration_minutes=30)
    open_lesson(world.group, lesson)
    completion = services.lesson_complete(
        lesson=lesson, group=world.group, answers={}, user=world.learner
    )
    assert completion.score is None


# --- sessions and attendance ---------------------------------------------------------------


def session_data(tree, world, **changes):
    start = timezone.now() - timedelta(hours=2)
    data = {
        "lesson": tree.lesson,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=90),
        "place": "天河区司法局三楼会议室",
        "facilitator": "陈老师",
        "groups": [world.group],
    }
    data.update(changes)
    return SessionData(**data)


def test_a_lead_schedules_a_session_and_records_attendance(tree, world):
    session = services.session_schedule(data=session_data(tree, world), scheduled_by=world.lead)
    assert session.region == world.group.judicial_office
    assert session.roster.get().status == Attendance.Status.EXPECTED
    services.attendance_record(
        session=session, rows={world.group.pk: ("present", 80)}, recorded_by=world.lead
    )
    hours = LearningHours.objects.get(group=world.group)
    assert (hours.offline_minutes, hours.total_minutes) == (80, 80)


def test_online_and_offline_merge_into_one_record(tree, world):
    open_lesson(world.group, tree.lesson)
    services.lesson_complete(
        lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.learner
    )
    # The session began in the same local month as the completion: two hours ago, or at the
    # month's first instant in the first two hours of a month (a session on the 30th and a
    # completion on the 1st are two months' records, rightly).
    month_start = month_bounds(month_of(timezone.now()))[0]
    start = max(timezone.now() - timedelta(hours=2), month_start)
    data = session_data(tree, world, starts_at=start, ends_at=start + timedelta(minutes=90))
    session = services.session_schedule(data=data, scheduled_by=world.lead)
    services.attendance_record(
        session=session, rows={world.group.pk: ("present", 90)}, recorded_by=world.lead
    )
    hours = LearningHours.objects.get()
    assert (hours.online_minutes, hours.offline_minutes, hours.total_minutes) == (45, 90, 135)
    assert hours.shortfall  # 8 hours are required


def test_an_education_officer_schedules_for_groups_of_their_region(tree, world, regions):
    officer = factories.education_officer(regions["440106"])
    session = services.session_schedule(data=session_data(tree, world), scheduled_by=officer)
    assert session.created_by == officer
    far_officer = factories.education_officer(regions["510107"])
    with pytest.raises(ValidationError):
        services.session_schedule(data=session_data(tree, world), scheduled_by=far_officer)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at_offset": -30}, "ends_at"),
        ({"ends_at_offset": 0}, "ends_at"),
    ],
)
def test_a_session_must_end_after_it_starts(tree, world, changes, field):
    data = session_data(tree, world)
    data = session_data(
        tree, world, ends_at=data.starts_at + timedelta(minutes=changes["ends_at_offset"])
    )
    with pytest.raises(ValidationError) as error:
        services.session_schedule(data=data, scheduled_by=world.lead)
    assert field in error.value.message_dict


def test_a_session_in_a_closed_group_is_refused(tree, world):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    world.group.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.session_schedule(data=session_data(tree, world), scheduled_by=world.coordinator)
    assert error.value.message_dict["groups"] == [f"以下小组已结束：{world.group.code}。"]
    assert not Attendance.objects.exists()
    assert not LessonSession.objects.exists()


def test_others_may_not_schedule_for_the_group(tree, world):
    for person in (world.volunteer, world.learner, world.other_coordinator):
        with pytest.raises(ValidationError):
            services.session_schedule(data=session_data(tree, world), scheduled_by=person)


def test_attendance_over_the_sessions_length_changes_nothing(tree, world):
    session = services.session_schedule(data=session_data(tree, world), scheduled_by=world.lead)
    with pytest.raises(ValidationError, match="90"):
        services.attendance_record(
            session=session, rows={world.group.pk: ("present", 91)}, recorded_by=world.lead
        )
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session, rows={world.group.pk: ("present", 0)}, recorded_by=world.lead
        )
    assert session.roster.get().status == Attendance.Status.EXPECTED
    assert not LearningHours.objects.exists()


def test_absent_and_excused_count_no_minutes(tree, world):
    session = services.session_schedule(data=session_data(tree, world), scheduled_by=world.lead)
    services.attendance_record(
        session=session, rows={world.group.pk: ("excused", 60)}, recorded_by=world.lead
    )
    line = session.roster.get()
    assert (line.status, line.minutes) == ("excused", 0)
    assert LearningHours.objects.get().total_minutes == 0


def test_attendance_waits_for_the_session_to_start(tree, world):
    start = timezone.now() + timedelta(days=1)
    session = services.session_schedule(
        data=session_data(tree, world, starts_at=start, ends_at=start + timedelta(hours=1)),
        scheduled_by=world.lead,
    )
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session, rows={world.group.pk: ("present", 60)}, recorded_by=world.lead
        )


def test_the_lead_is_reminded_the_day_before_once(tree, world):
    from curriculum import tasks

    start = timezone.now() + timedelta(hours=20)
    services.session_schedule(
        data=session_data(tree, world, starts_at=start, ends_at=start + timedelta(hours=1)),
        scheduled_by=world.coordinator,
    )
    assert tasks.remind_sessions() == 1
    assert tasks.remind_sessions() == 0
    assert (
        Notification.objects.filter(user=world.lead, kind="curriculum.session_reminder").count()
        == 1
    )


# --- assignment ----------------------------------------------------------------------------


def test_rules_give_entry_offence_and_monthly_lessons_once(tree, world):
    first = cf.lesson(tree.first, "入矫第一课：认识社区矫正", stage="entry")
    traffic = cf.lesson(tree.traffic, "醉驾的法律后果", offences=["dangerous_driving"])
    juvenile_only = cf.lesson(tree.theme, "未成年人专题", audience="juvenile")
    month = timezone.localdate()
    assert world.group.stage == Stage.ENTRY
    created = services.assignments_by_rule(month=month)
    given = dict(
        LessonAssignment.objects.filter(group=world.group).values_list("lesson_id", "source")
    )
    assert given == {first.pk: "entry", traffic.pk: "offence", tree.lesson.pk: "monthly"}
    assert juvenile_only.pk not in given
    assert created == 3
    assert services.assignments_by_rule(month=month) == 0
    assert Notification.objects.filter(
        user=world.learner, kind="curriculum.lesson_assigned"
    ).exists()


def test_drafts_are_not_assigned(tree, world):
    draft = cf.lesson(tree.theme, "草稿课", publish=False)
    services.assignments_by_rule(month=timezone.localdate())
    assert not LessonAssignment.objects.filter(lesson_id=draft.pk).exists()


def test_closed_groups_get_nothing(tree, world):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    assert services.assignments_by_rule(month=timezone.localdate()) == 0


def test_a_lead_assigns_one_more_lesson(tree, world):
    extra = cf.lesson(tree.traffic, "文明出行")
    services.lesson_assign(group=world.group, lesson=extra, assigned_by=world.lead)
    assert LessonAssignment.objects.get(group=world.group, lesson=extra).source == "lead"
    with pytest.raises(ValidationError):
        services.lesson_assign(group=world.group, lesson=extra, assigned_by=world.lead)
    note = Notification.objects.get(user=world.learner, kind="curriculum.lesson_assigned")
    assert "文明出行" in note.title


# --- hours and shortfalls ------------------------------------------------------------------


def test_month_end_flags_groups_below_the_requirement_once(tree, world, regions):
    month = timezone.localdate().replace(day=1)
    assert services.hours_flag_shortfalls(month=month) == 1
    hours = LearningHours.objects.get(group=world.group, month=month)
    assert hours.shortfall and hours.total_minutes == 0 and hours.flagged_at
    assert Notification.objects.filter(user=world.lead, kind="curriculum.shortfall").count() == 1
    assert services.hours_flag_shortfalls(month=month) == 0
    assert Notification.objects.filter(user=world.lead, kind="curriculum.shortfall").count() == 1


# --- editorial workflow and scheduled publishing --------------------------------------------


def test_a_lesson_goes_live_after_review_at_its_scheduled_time(tree, regions):
    from wagtail.models import Revision, WorkflowState

    from curriculum import tasks

    officer = factories.education_officer(regions["440106"])
    from portal.services import staff_role_grant

    staff_role_grant(
        user=officer, role="education_officer", region=regions["440106"], granted_by=None
    )
    reviewer = factories.UserFactory(kind="staff")
    services.reviewer_add(user=reviewer, added_by=None)

    lesson = cf.lesson(tree.theme, "下月上线的课", publish=False)
    # Go-live in a few seconds stands for "next month": the same path, and the wait is real.
    lesson.go_live_at = timezone.now() + timedelta(seconds=3)
    lesson.save_revision(user=officer)
    state = lesson.get_workflow().start(lesson, officer)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert Revision.page_revisions.filter(
        object_id=str(lesson.pk), approved_go_live_at__isnull=False
    ).exists()
    tasks.publish_scheduled()
    assert not LessonPage.objects.get(pk=lesson.pk).live  # approved, waiting for its time

    time.sleep(max(0, (lesson.go_live_at - timezone.now()).total_seconds()) + 0.2)
    tasks.publish_scheduled()  # what beat runs every five minutes
    assert LessonPage.objects.get(pk=lesson.pk).live
