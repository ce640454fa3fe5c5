"""Every curriculum page runs the same number of queries whatever the size of the data behind it:
a lead of one group and of many, one theme and twelve, one lesson and thirty, a session roster
of one group and of many. Each cap is checked on the small fixture and on the large one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from curriculum import services
from curriculum.models import LessonPage
from curriculum.services import SessionData
from groups import services as group_services
from search.services import documents_sync
from tests.curriculum import factories as cf
from tests.groups.conftest import group_data
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
MANY = 8


def more_groups_led_by(world, regions, count):
    # The gate counts a lead's places against their maximum: this one leads many groups.
    VolunteerProfile.objects.filter(user=world.lead).update(max_groups=count + 2)
    groups = []
    for _ in range(count):
        group = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
        group_services.lead_hand_over(
            group=group, new_lead=world.lead, handed_over_by=world.coordinator
        )
        groups.append(group)
    return groups


def learn(tree, group, user, title):
    lesson = cf.lesson(tree.theme, title)
    services.lesson_assign(group=group, lesson=lesson, assigned_by=user)
    services.lesson_open(lesson=lesson, group=group)
    services.lesson_complete(lesson=lesson, group=group, answers=cf.RIGHT, user=user)
    return lesson


def test_my_lessons_for_a_lead_of_one_group_and_of_many(
    tree, world, regions, client_for, django_assert_max_num_queries
):
    client = client_for(world.lead)
    learn(tree, world.group, world.lead, "第一课")
    # 6, and the alert banner's open alerts (the groups come with their month's hours, the
    # assignments with their completions)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("curriculum:mine"))
    assert len(response.context["groups"]) == 1
    for i, group in enumerate(more_groups_led_by(world, regions, MANY)):
        learn(tree, group, world.lead, f"第{i + 2}课")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("curriculum:mine"))
    assert len(response.context["groups"]) == MANY + 1
    html = response.content.decode()
    assert html.count('data-month-minutes="45"') == MANY + 1


def test_a_lesson_page_for_a_lead_of_one_group_and_of_many(
    tree, world, regions, client_for, django_assert_max_num_queries
):
    client = client_for(world.lead)
    client.get("/")  # a server that has run a while has Wagtail's site root paths in its cache
    # 13 on a first visit (the clock starts: an insert, and its time read back), and the alert
    # banner's open alerts; portal.page_routes finds the page in two queries at any depth,
    # from the home page.
    with django_assert_max_num_queries(14):
        client.get(tree.lesson.url)
    more_groups_led_by(world, regions, MANY)
    other = cf.lesson(tree.theme, "另一课")
    with django_assert_max_num_queries(14):
        response = client.get(other.url)
    assert response.content.decode().count("data-state=") == MANY + 1
    # Seen again: the clock runs already, and the page's route with its view restrictions comes
    # from the cache (portal.page_routes): one query for the page, one for the groups.
    with django_assert_max_num_queries(9):
        response = client.get(other.url)
    assert response.content.decode().count("data-state=") == MANY + 1


def test_a_lesson_page_for_a_visitor_of_a_short_and_a_long_lesson(
    tree, client_for, django_assert_max_num_queries
):
    long = cf.lesson(
        tree.traffic, "醉驾的法律后果", offences=["dangerous_driving", "traffic_accident"]
    )
    for page in (tree.lesson, long):
        cache.clear()  # rendered, not served from the page cache
        with django_assert_max_num_queries(7):
            assert client_for(None).get(page.url).status_code == 200


def test_the_month_calendar_with_one_theme_and_twelve(
    tree, client_for, django_assert_max_num_queries
):
    year = timezone.localdate().year
    cache.clear()
    with django_assert_max_num_queries(10):
        client_for(None).get(tree.index.url, {"year": year})
    for month in range(1, 13):
        if month != timezone.localdate().month:
            cf.theme(tree.index, timezone.localdate().replace(month=month, day=1), name="人生规划")
    cache.clear()
    with django_assert_max_num_queries(10):
        response = client_for(None).get(tree.index.url, {"year": year})
    assert sum(1 for m in response.context["months"] if m["theme"]) == 12


def test_the_lesson_list_with_every_filter_at_any_size(
    tree, client_for, django_assert_max_num_queries
):
    url = reverse("curriculum:lessons")
    query = {"stage": "active", "audience": "adult", "mode": "online", "offence": "theft"}
    query["q"] = "课程"  # every lesson's summary: "《…》课程简介"; one search query of its own
    cf.lesson(tree.theme, "第一课", offences=["theft"], delivery_mode="both", audience="adult")
    index_lessons()
    cache.clear()
    with django_assert_max_num_queries(8):
        response = client_for(None).get(url, query)
    assert len(response.context["page"].object_list) == 1
    for i in range(30):
        cf.lesson(tree.theme, f"第{i}课", offences=["theft"], delivery_mode="both")
    index_lessons()
    cache.clear()
    with django_assert_max_num_queries(8):
        response = client_for(None).get(url, query)
    assert len(response.context["page"].object_list) == 25


def schedule(tree, world, groups, by):
    start = timezone.now() - timedelta(hours=2)
    return services.session_schedule(
        data=SessionData(
            lesson=tree.lesson,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            place="天河南街社区活动室",
            facilitator="陈老师",
            groups=groups,
        ),
        scheduled_by=by,
    )


def test_sessions_and_their_roster_at_any_size(
    tree, world, regions, client_for, django_assert_max_num_queries
):
    client = client_for(world.lead)
    small = schedule(tree, world, [world.group], world.lead)
    caps = {"list": 8, "detail": 8, "record": 14}  # pages: 7, and the alert banner's

    def visit(session, groups):
        with django_assert_max_num_queries(caps["list"]):
            client.get(reverse("curriculum:sessions"))
        url = reverse("curriculum:session", args=[session.pk])
        with django_assert_max_num_queries(caps["detail"]):
            client.get(url)
        form = {}
        for group in groups:
            form |= {f"status_{group.pk}": "present", f"minutes_{group.pk}": "80"}
        with django_assert_max_num_queries(caps["record"]):
            assert client.post(url, form).status_code == 302

    visit(small, [world.group])
    groups = [world.group, *more_groups_led_by(world, regions, MANY)]
    for _ in range(10):
        schedule(tree, world, groups, world.lead)
    large = schedule(tree, world, groups, world.lead)
    visit(large, groups)
    assert large.roster.filter(status="present", minutes=80).count() == MANY + 1


def index_lessons():
    """What the on-commit index task does (these tests' transactions never commit)."""
    documents_sync(kind="lesson", ids=LessonPage.objects.values_list("pk", flat=True))
