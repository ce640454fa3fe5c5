"""A learner's home page (/me/) starts with today's lesson: the next offline session of their
group today, its title, start time and place and how long until it starts ("还有 2 小时 15 分开始",
"进行中"), counted on the server; nothing when there is none today. Read in one query, however
many sessions there are."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from curriculum import services
from curriculum.models import Attendance, LessonSession
from curriculum.services import SessionData
from curriculum.todos import today_lesson
from groups import services as group_services
from tests import factories
from tests.groups.conftest import group_data
from tests.todo_items import home, todos

TODAY = "今日课程：好家风伴我行"
MONTH = "本月学习"


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def schedule(tree, world, starts_at, *, minutes=90, groups=None, place="天河南街社区活动室"):
    return services.session_schedule(
        data=SessionData(
            lesson=tree.lesson,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            place=place,
            facilitator="陈老师",
            groups=groups or [world.group],
        ),
        scheduled_by=world.coordinator,  # covers 天河区: may schedule for every group there
    )


def under_way(tree, world, **kwargs):
    """A session of today that has begun and lasts two more hours, whatever the hour now."""
    now = timezone.now()
    midnight = at(timezone.localdate(), 0)
    start = max(midnight, now - timedelta(minutes=30))
    return schedule(tree, world, start, minutes=int((now - start).seconds / 60) + 120, **kwargs)


def another_group_with_a_learner(world, regions):
    group = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    learner = group_services.learner_account_create(
        group=group, display_name="学员乙", created_by=world.coordinator
    ).user
    return group, learner


def in_chinese(user, now):
    with translation.override("zh-hans"):
        todo = today_lesson(user, now)
        return None if todo is None else (str(todo.label), str(todo.note), todo.url)


# --- the countdown, at a chosen hour --------------------------------------------------------


def test_the_countdown_to_a_session_later_today(tree, world):
    day = timezone.localdate() + timedelta(days=3)  # any day: the clock is given
    schedule(tree, world, at(day, 11, 15))
    schedule(tree, world, at(day, 15, 0), place="石牌街司法所")  # later the same day
    label, note, url = in_chinese(world.learner, at(day, 9))
    assert label == TODAY and url == reverse("curriculum:mine")
    assert note == "11:15，天河南街社区活动室 · 还有 2 小时 15 分开始"
    # Less than an hour: minutes only, a part of a minute counted as a whole one.
    assert in_chinese(world.learner, at(day, 10, 35) + timedelta(seconds=10))[1].endswith(
        "还有 40 分钟开始"
    )
    # Under way until its end, then the next one of the day.
    assert in_chinese(world.learner, at(day, 12))[1] == "11:15，天河南街社区活动室 · 进行中"
    later = "15:00，石牌街司法所 · 还有 2 小时 10 分开始"
    assert in_chinese(world.learner, at(day, 12, 50))[1] == later
    assert in_chinese(world.learner, at(day, 17)) is None  # the day's sessions are over


def test_no_item_without_a_session_of_the_group_today(tree, world, regions):
    day = timezone.localdate() + timedelta(days=3)
    schedule(tree, world, at(day, 10))
    assert in_chinese(world.learner, at(day - timedelta(days=1), 9)) is None  # tomorrow's
    assert in_chinese(world.learner, at(day + timedelta(days=1), 9)) is None  # yesterday's
    other_group, other_learner = another_group_with_a_learner(world, regions)
    assert in_chinese(other_learner, at(day, 9)) is None  # another group's session
    # An early session of the other group, the same day: each learner sees their own.
    schedule(tree, world, at(day, 8), groups=[other_group], place="石牌街司法所")
    assert in_chinese(other_learner, at(day, 7))[1].startswith("08:00，石牌街司法所")
    assert in_chinese(world.learner, at(day, 7))[1].startswith("10:00，天河南街社区活动室")


def test_the_countdown_in_english(tree, world):
    day = timezone.localdate() + timedelta(days=3)
    schedule(tree, world, at(day, 11, 15))
    with translation.override("en"):
        todo = today_lesson(world.learner, at(day, 9))
        assert str(todo.label) == "Today's lesson: 好家风伴我行"
        assert str(todo.note).endswith("starts in 2 h 15 min")
        assert str(today_lesson(world.learner, at(day, 12)).note).endswith("in progress")


# --- the home page ----------------------------------------------------------------------------


def test_a_learner_sees_todays_lesson_first_on_the_home_page(tree, world, client_for):
    under_way(tree, world)
    page = home(client_for, world.learner)
    items = todos(page)
    item = items[TODAY]
    assert item.url == reverse("curriculum:mine") and item.urgent and item.count is None
    assert item.note.endswith("天河南街社区活动室 · 进行中")
    assert next(iter(items)) == TODAY
    assert MONTH in items  # the month's hours stay


def test_no_lesson_today_no_item_but_the_months_hours(tree, world, client_for):
    schedule(tree, world, at(timezone.localdate() + timedelta(days=1), 10))
    items = todos(home(client_for, world.learner))
    assert TODAY not in items and MONTH in items


def test_others_do_not_see_the_learners_lesson(tree, world, regions, client_for):
    under_way(tree, world)
    _, other_learner = another_group_with_a_learner(world, regions)
    for person in (other_learner, world.lead, world.volunteer, world.coordinator, world.partner):
        assert TODAY not in todos(home(client_for, person))
    response = client_for(None).get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_learners_home_reads_as_many_queries_for_one_session_as_for_thirty(
    tree, world, client_for
):
    client = client_for(world.learner)
    url = reverse("portal:dashboard")
    first = under_way(tree, world)
    client.get(url)  # the session and caches warmed
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # Thirty more today, after the first, and thirty tomorrow (bulk: many).
    sessions = LessonSession.objects.bulk_create(
        LessonSession(
            lesson=tree.lesson,
            region=first.region,
            starts_at=first.starts_at + timedelta(days=day, minutes=i + 1),
            ends_at=first.ends_at + timedelta(days=day, minutes=i + 1),
            place=f"活动室{i}",
            facilitator="陈老师",
            created_by=world.lead,
        )
        for day in (0, 1)
        for i in range(30)
    )
    Attendance.objects.bulk_create(Attendance(session=s, group=world.group) for s in sessions)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(large) == len(small)
    assert todos(page)[TODAY].note.startswith(
        f"{timezone.localtime(first.starts_at):%H:%M}，天河南街社区活动室"
    )


def test_a_learner_who_left_the_group_sees_no_lesson(tree, world, client_for):
    under_way(tree, world)
    world.learner.group_memberships.update(left_at=timezone.now())
    assert TODAY not in todos(home(client_for, world.learner))


def test_a_learner_account_sees_nothing_of_a_group_it_never_joined(tree, world, client_for):
    under_way(tree, world)
    stranger = factories.LearnerFactory(display_name="学员丙")
    assert TODAY not in todos(home(client_for, stranger))


def test_sessions_tomorrow_count_the_whole_local_day_and_nothing_after(tree, world, client_for):
    """Tomorrow from local midnight to the next (Asia/Shanghai), as the coordinator lives it."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    schedule(tree, world, at(tomorrow, 0))  # the first minute
    schedule(tree, world, at(tomorrow, 23, 30), minutes=20)  # the last half hour
    schedule(tree, world, at(tomorrow + timedelta(days=1), 0))  # the day after: not tomorrow
    assert todos(home(client_for, world.coordinator))["明日的线下课"].count == 2
