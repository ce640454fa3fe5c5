"""Who may see what: lessons are public; a group's completions, attendance and hours are for
its lead, its learner and the region's coordinators, 404 for everyone else. Plus the quiz's
answers never reaching the HTML, page caching only for anonymous visitors, the filters, the
report and its Excel export, and query counts that do not grow with the data."""

import io
import random
import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from curriculum import services
from curriculum.models import (
    Attendance,
    LearningHours,
    LessonCompletion,
    LessonPage,
    LessonSession,
)
from curriculum.services import SessionData
from groups import services as group_services
from groups.scale import create_groups
from search.services import documents_sync
from tests import factories
from tests.curriculum import factories as cf
from tests.curriculum.conftest import open_lesson
from tests.groups.conftest import group_data

pytestmark = pytest.mark.django_db
ALLOWED, HIDDEN, LOGIN = 200, 404, 302


# --- public pages ------------------------------------------------------------------------------


def test_the_quiz_answers_never_reach_the_html(tree, world, client_for):
    for person in (None, world.learner, world.lead, world.coordinator):
        html = client_for(person).get(tree.lesson.url).content.decode()
        assert "社区矫正对象外出需要经过谁批准？" in html
        assert "is_correct" not in html
        main = html.split("<main")[1].split("</main>")[0]
        assert "true" not in main.lower()
        # The three choices of the first question differ only in their value: nothing marks one.
        radios = re.findall(r'<input type="radio" name="q0"[^>]*>', main)
        assert len(radios) == 3
        assert len({r.replace(f'value="{i}"', "") for i, r in enumerate(radios)}) == 1


def test_the_learner_gets_a_quiz_form_and_anonymous_a_read_only_one(tree, world, client_for):
    learner_html = client_for(world.learner).get(tree.lesson.url).content.decode()
    assert reverse("curriculum:complete", args=[tree.lesson.pk]) in learner_html
    anonymous_html = client_for(None).get(tree.lesson.url).content.decode()
    assert reverse("curriculum:complete", args=[tree.lesson.pk]) not in anonymous_html
    assert "disabled" in anonymous_html


def test_pages_are_cached_for_anonymous_visitors_only(tree, world, client_for):
    anonymous = client_for(None)
    anonymous.cookies["csrftoken"] = "x" * 32
    response = anonymous.get(tree.lesson.url)
    assert "max-age=300" in response["Cache-Control"]
    learner = client_for(world.learner).get(tree.lesson.url)
    assert "private" in learner["Cache-Control"] or "no-cache" in learner["Cache-Control"]
    assert "max-age=0" in learner["Cache-Control"]


def test_the_calendar_shows_the_years_themes(tree, client_for):
    html = client_for(None).get(tree.index.url).content.decode()
    assert "家风教育" in html and 'aria-current="date"' in html
    last_year = timezone.localdate().year - 1
    html = client_for(None).get(f"{tree.index.url}?year={last_year}").content.decode()
    assert tree.theme.url not in html
    assert client_for(None).get(f"{tree.index.url}?year=abc").status_code == 200


def test_the_home_page_tag_shows_the_current_theme(tree):
    html = Template("{% load curriculum_tags %}{% current_theme %}").render(Context({}))
    assert "家风教育" in html and tree.theme.url in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"好家风伴我行", "醉驾的法律后果", "入矫第一课"}),
        ("stage=entry", {"入矫第一课"}),
        ("offence=dangerous_driving", {"醉驾的法律后果"}),
        ("audience=juvenile", {"好家风伴我行", "入矫第一课"}),
        ("mode=offline", {"好家风伴我行", "入矫第一课"}),
        ("q=醉驾", {"醉驾的法律后果"}),
        ("q=法律", {"醉驾的法律后果"}),  # a two-character word inside the title
        ("stage=nonsense", set()),
    ],
)
def test_the_lesson_list_filters(tree, client_for, query, expected):
    cf.lesson(tree.first, "入矫第一课", stage="entry")
    cf.lesson(
        tree.traffic,
        "醉驾的法律后果",
        offences=["dangerous_driving"],
        audience="adult",
        delivery_mode="online",
    )
    # The words box asks the site search: index what the on-commit task would (this test's
    # transaction never commits; tests/search cover the commit itself).
    documents_sync(kind="lesson", ids=LessonPage.objects.values_list("pk", flat=True))
    response = client_for(None).get(f"{reverse('curriculum:lessons')}?{query}")
    assert response.status_code == 200
    shown = {lesson.title for lesson in response.context["page"].object_list}
    assert shown == expected
    if query == "stage=nonsense":
        assert response.context["filter"].errors


def test_the_lesson_list_costs_the_same_at_any_size(
    tree, client_for, django_assert_max_num_queries
):
    client = client_for(None)
    with django_assert_max_num_queries(12):
        client.get(reverse("curriculum:lessons"))
    for i in range(30):
        cf.lesson(tree.theme, f"第{i}课")
    with django_assert_max_num_queries(12):
        client.get(reverse("curriculum:lessons"))


# --- completing online --------------------------------------------------------------------------


def test_the_learner_completes_through_the_page(tree, world, client_for):
    client = client_for(world.learner)
    client.get(tree.lesson.url)  # opening the page starts the clock
    open_lesson(world.group, tree.lesson)
    url = reverse("curriculum:complete", args=[tree.lesson.pk])
    response = client.post(url, {"group": world.group.code, **cf.RIGHT})
    assert response.status_code == 302
    assert LessonCompletion.objects.get().score == 100
    # A second submission (a double click) changes nothing.
    again = client.post(url, {"group": world.group.code, **cf.RIGHT}, follow=True)
    assert "这门课程已经完成，只计一次。" in again.content.decode()
    assert LessonCompletion.objects.count() == 1
    assert LearningHours.objects.get().total_minutes == 45
    page = client.get(tree.lesson.url).content.decode()
    assert "100%" in page


def test_a_wrong_quiz_shows_the_error_and_records_nothing(tree, world, client_for):
    client = client_for(world.learner)
    open_lesson(world.group, tree.lesson)
    response = client.post(
        reverse("curriculum:complete", args=[tree.lesson.pk]),
        {"group": world.group.code, **cf.WRONG},
        follow=True,
    )
    assert "60%" in response.content.decode()
    assert not LessonCompletion.objects.exists()


@pytest.mark.parametrize("person", ["volunteer", "outsider", "coordinator", "anonymous"])
def test_others_cannot_complete(tree, world, client_for, person):
    response = client_for(getattr(world, person)).post(
        reverse("curriculum:complete", args=[tree.lesson.pk]),
        {"group": world.group.code, **cf.RIGHT},
    )
    assert response.status_code in (HIDDEN, LOGIN)
    assert not LessonCompletion.objects.exists()


# --- a group's learning ---------------------------------------------------------------------------

GROUP_MATRIX = {
    "coordinator": ALLOWED,
    "city_coordinator": ALLOWED,
    "lead": ALLOWED,
    "learner": ALLOWED,
    "social_worker": HIDDEN,
    "volunteer": HIDDEN,
    "partner": HIDDEN,
    "outsider": HIDDEN,
    "other_coordinator": HIDDEN,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("person", "status"), GROUP_MATRIX.items())
def test_who_sees_a_groups_learning(tree, world, client_for, person, status):
    response = client_for(getattr(world, person)).get(
        reverse("curriculum:group", args=[world.group.code])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("person", "status"),
    [("lead", ALLOWED), ("coordinator", ALLOWED), ("learner", HIDDEN), ("volunteer", HIDDEN),
     ("outsider", HIDDEN), ("anonymous", LOGIN)],
)  # fmt: skip
def test_who_may_assign(tree, world, client_for, person, status):
    response = client_for(getattr(world, person)).get(
        reverse("curriculum:assign", args=[world.group.code])
    )
    assert response.status_code == status


def test_the_lead_assigns_a_lesson(tree, world, client_for):
    extra = cf.lesson(tree.traffic, "文明出行")
    response = client_for(world.lead).post(
        reverse("curriculum:assign", args=[world.group.code]), {"lesson": extra.pk}
    )
    assert response.status_code == 302
    html = client_for(world.learner).get(reverse("curriculum:mine")).content.decode()
    assert "文明出行" in html


def test_the_group_page_costs_the_same_at_any_size(
    tree, world, client_for, django_assert_max_num_queries
):
    client = client_for(world.lead)
    url = reverse("curriculum:group", args=[world.group.code])
    with django_assert_max_num_queries(20):
        client.get(url)
    for i in range(15):
        lesson = cf.lesson(tree.theme, f"第{i}课")
        services.lesson_assign(group=world.group, lesson=lesson, assigned_by=world.lead)
        open_lesson(world.group, lesson)
        services.lesson_complete(
            lesson=lesson, group=world.group, answers=cf.RIGHT, user=world.learner
        )
    with django_assert_max_num_queries(20):
        client.get(url)


# --- sessions ---------------------------------------------------------------------------------


def schedule(tree, world, by, hours_ago=2):
    start = timezone.now() - timedelta(hours=hours_ago)
    return services.session_schedule(
        data=SessionData(
            lesson=tree.lesson,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            place="天河南街社区活动室",
            facilitator="陈老师",
            groups=[world.group],
        ),
        scheduled_by=by,
    )


@pytest.mark.parametrize(
    ("person", "status"),
    [("coordinator", ALLOWED), ("lead", ALLOWED), ("learner", HIDDEN), ("volunteer", HIDDEN),
     ("outsider", HIDDEN), ("other_coordinator", HIDDEN), ("anonymous", LOGIN)],
)  # fmt: skip
def test_who_sees_a_session(tree, world, client_for, person, status):
    session = schedule(tree, world, world.coordinator)
    response = client_for(getattr(world, person)).get(
        reverse("curriculum:session", args=[session.pk])
    )
    assert response.status_code == status


def test_the_lead_schedules_through_the_form_and_bad_times_are_refused(tree, world, client_for):
    client = client_for(world.lead)
    form = {
        "lesson": tree.lesson.pk,
        "starts_at": "2026-12-01T14:00",
        "ends_at": "2026-12-01T13:00",
        "place": "天河南街社区活动室",
        "facilitator": "陈老师",
        "groups": [world.group.pk],
    }
    response = client.post(reverse("curriculum:session_create"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["结束时间必须晚于开始时间。"]
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    assert not LessonSession.objects.exists()
    form["ends_at"] = "2026-12-01T15:30"
    response = client.post(reverse("curriculum:session_create"), form)
    assert response.status_code == 302
    assert Attendance.objects.get().group == world.group
    assert (
        client_for(world.volunteer).get(reverse("curriculum:session_create")).status_code == HIDDEN
    )


def test_attendance_through_the_roster(tree, world, client_for):
    session = schedule(tree, world, world.coordinator)
    client = client_for(world.lead)
    url = reverse("curriculum:session", args=[session.pk])
    key = world.group.pk
    response = client.post(url, {f"status_{key}": "present", f"minutes_{key}": "120"})
    assert response.status_code == 200
    assert "分钟数必须在 0 到课堂时长 90 之间" in response.content.decode()
    assert Attendance.objects.get().status == "expected"
    assert not LearningHours.objects.exists()
    response = client.post(url, {f"status_{key}": "present", f"minutes_{key}": "85"})
    assert response.status_code == 302
    assert Attendance.objects.get().minutes == 85
    hours = client_for(world.learner).get(reverse("curriculum:group", args=[world.group.code]))
    assert 'data-total-minutes="85"' in hours.content.decode()
    assert client_for(world.volunteer).post(url, {}).status_code == HIDDEN


@pytest.fixture
def other_learner(world, regions):
    """The learner of another group of the same judicial office and coordinator."""
    group = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    return group_services.learner_account_create(
        group=group, display_name="学员乙", created_by=world.coordinator
    ).user


def test_another_groups_learner_sees_and_changes_nothing_of_this_group(
    tree, world, client_for, other_learner
):
    session = schedule(tree, world, world.coordinator)
    client = client_for(other_learner)
    assert client.get(reverse("curriculum:group", args=[world.group.code])).status_code == HIDDEN
    assert client.get(reverse("curriculum:session", args=[session.pk])).status_code == HIDDEN
    key = world.group.pk
    response = client.post(
        reverse("curriculum:session", args=[session.pk]),
        {f"status_{key}": "present", f"minutes_{key}": "80"},
    )
    assert response.status_code == HIDDEN
    response = client.post(
        reverse("curriculum:complete", args=[tree.lesson.pk]),
        {"group": world.group.code, **cf.RIGHT},
    )
    assert response.status_code == HIDDEN
    assert world.group.code not in client.get(reverse("curriculum:mine")).content.decode()
    assert not LessonCompletion.objects.exists()
    assert Attendance.objects.get().status == "expected"


def test_the_learner_sees_their_own_results_but_records_no_attendance(tree, world, client_for):
    session = schedule(tree, world, world.coordinator)
    services.attendance_record(
        session=session, rows={world.group.pk: ("present", 85)}, recorded_by=world.lead
    )
    client = client_for(world.learner)
    html = client.get(reverse("curriculum:group", args=[world.group.code])).content.decode()
    assert 'data-total-minutes="85"' in html
    key = world.group.pk
    response = client.post(
        reverse("curriculum:session", args=[session.pk]),
        {f"status_{key}": "absent", f"minutes_{key}": "0"},
    )
    assert response.status_code == HIDDEN
    assert Attendance.objects.get().minutes == 85


# --- the report ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "status"),
    [("coordinator", ALLOWED), ("city_coordinator", ALLOWED), ("lead", HIDDEN),
     ("learner", HIDDEN), ("outsider", HIDDEN), ("anonymous", LOGIN)],
)  # fmt: skip
def test_who_reads_the_report(tree, world, client_for, person, status):
    assert (
        client_for(getattr(world, person)).get(reverse("curriculum:report")).status_code == status
    )


def test_the_report_lists_and_exports_the_regions_groups(tree, world, client_for, regions):
    open_lesson(world.group, tree.lesson)
    services.lesson_complete(
        lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.learner
    )
    month = f"{timezone.localdate():%Y-%m}"
    client = client_for(world.coordinator)
    response = client.get(reverse("curriculum:report"), {"region": "440106", "month": month})
    assert response.context["summary"]["groups"] == 1
    assert response.context["summary"]["short"] == 1
    row = response.context["page"].object_list[0]
    assert (row.code, row.online, row.total) == (world.group.code, 45, 45)

    export = client.get(
        reverse("curriculum:report"), {"region": "440106", "month": month, "format": "xlsx"}
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == world.group.code and rows[2][2] == 0.75

    # Another province's region is not in the form's choices.
    response = client.get(reverse("curriculum:report"), {"region": "510107", "month": month})
    assert response.context["form"].errors["region"]
    response = client.get(reverse("curriculum:report"), {"region": "440106", "month": "2026-13"})
    assert response.context["form"].errors["month"]


def test_the_report_is_cached_until_the_hours_or_the_groups_change(
    tree, world, client_for, regions
):
    """Figures and rows are kept for everyone who may read the region (curriculum.caching), and
    a completion, a new group or a rename shows on the next visit."""
    client = client_for(world.coordinator)
    params = {"region": "440106", "month": f"{timezone.localdate():%Y-%m}"}

    def shown():
        response = client.get(reverse("curriculum:report"), params)
        return response.context["summary"], response.content.decode()

    summary, body = shown()
    assert (summary["groups"], summary["minutes"]) == (1, 0)
    assert shown()[0] == summary  # from the cache

    open_lesson(world.group, tree.lesson)
    services.lesson_complete(
        lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=world.learner
    )
    summary, body = shown()
    assert (summary["groups"], summary["minutes"]) == (1, 45)
    assert "<td>45</td>" in body

    other = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    summary, body = shown()
    assert summary["groups"] == 2 and other.code in body

    office = regions["440106005"]
    office.name = "新名字司法所"
    office.save()
    assert "新名字司法所" in shown()[1]

    # The form, cached too, offers each reader their own regions and shows what they asked.
    city = client_for(world.city_coordinator)
    for region in ("440100", "440106", "440100"):
        form = city.get(reverse("curriculum:report"), {**params, "region": region}).content
        assert f'<option value="{region}" selected>' in form.decode()
    assert 'value="440100"' in city.get(reverse("curriculum:report"), params).content.decode()
    assert 'value="440100"' not in shown()[1]
    # A region without groups shows no table (as before the cache).
    empty = city.get(reverse("curriculum:report"), {**params, "region": "440104"})
    assert empty.context["summary"]["groups"] == 0
    assert "<table" not in empty.content.decode()


def test_the_report_costs_the_same_at_any_size(
    tree, world, client_for, regions, django_assert_max_num_queries
):
    client = client_for(world.city_coordinator)
    params = {"region": "440100", "month": f"{timezone.localdate():%Y-%m}"}
    # The regions are read once, for the check, the form and its choices.
    with django_assert_max_num_queries(11):
        client.get(reverse("curriculum:report"), params)
    create_groups(120, rng=random.Random(6), offices=[regions["440106005"], regions["440104003"]])
    services.hours_flag_shortfalls(month=timezone.localdate())
    with django_assert_max_num_queries(11):
        response = client.get(reverse("curriculum:report"), params)
    assert response.context["summary"]["groups"] == 121
    # Seen again: the summary, the rows and the form come from the cache (curriculum.caching).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("curriculum:report"), params)
    assert response.context["summary"]["groups"] == 121


def test_nav_and_counts(tree, world):
    from django.core.cache import cache

    from curriculum import counts, nav

    cache.delete(counts.CACHE_KEY)
    assert counts.counts() == {"lessons": 1}

    def urls(user, roles=frozenset()):
        return [url for _label, url in nav.items(user, set(roles))]

    assert urls(world.learner) == ["/learning/lessons/", "/learning/mine/"]
    assert urls(world.lead) == ["/learning/lessons/", "/learning/mine/", "/learning/sessions/"]
    assert urls(world.volunteer) == ["/learning/lessons/"]
    assert urls(world.coordinator, {"coordinator"})[-1] == "/learning/report/"
    officer = factories.education_officer(world.group.judicial_office)
    assert "/learning/sessions/" in urls(officer, {"education_officer"})
