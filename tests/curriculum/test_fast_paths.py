"""The curriculum's fast paths answer as the slow ones did (issue #20): routing in two queries,
view restrictions in one, the lesson part of a lesson page and the visitors' lesson list from
the cache until the next publish, a learner's progress read with their groups."""

import pytest
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from curriculum import selectors, services
from curriculum.models import LessonPage
from portal import page_routes
from tests.curriculum import factories as cf

pytestmark = pytest.mark.django_db


def walk(request, page, components):
    """Wagtail's own routing, one level at a time."""
    return Page.route(page, request, components)


@pytest.mark.parametrize("start", ["learning centre", "home page"])
@pytest.mark.parametrize(
    "where", ["index", "theme", "lesson", "series_index", "series", "series_lesson"]
)
def test_routing_finds_what_wagtail_finds(tree, rf, start, where):
    series_lesson = cf.lesson(tree.first, "入矫须知")
    pages = {
        "index": tree.index,
        "theme": tree.theme,
        "lesson": tree.lesson,
        "series_index": tree.first.get_parent(),
        "series": tree.first,
        "series_lesson": series_lesson,
    }
    target = pages[where]
    # The learning centre routes what lies below it; the home page, the whole site.
    origin = tree.index if start == "learning centre" else tree.index.get_parent()
    components = [c for c in target.url_path[len(origin.url_path) :].split("/") if c]
    request = rf.get(target.url)
    fast = origin.specific.route(request, components)
    slow = walk(request, origin, components)
    assert (fast.page.pk, type(fast.page)) == (slow.page.pk, type(slow.page))
    assert fast.page.get_parent().pk == slow.page.get_parent().pk


def test_routing_answers_404_where_wagtail_does(tree, rf, client_for):
    draft = cf.lesson(tree.theme, "未发布的课", publish=False)
    assert client_for(None).get(draft.url_path.replace("/home", "", 1)).status_code == 404
    assert client_for(None).get(tree.theme.url + "no-such-lesson/").status_code == 404
    assert client_for(None).get(tree.lesson.url + "deeper/").status_code == 404
    assert client_for(None).get(tree.lesson.url).status_code == 200


def test_a_moved_lesson_is_found_at_its_new_address_only(tree, client_for):
    old_url = tree.lesson.url
    lesson = LessonPage.objects.get(pk=tree.lesson.pk)
    lesson.move(tree.first, pos="last-child")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert client_for(None).get(old_url).status_code == 404
    response = client_for(None).get(lesson.url)
    assert response.status_code == 200
    assert tree.first.title in response.content.decode()  # its new parent, not the cached one


def test_view_restrictions_are_those_wagtail_reads(tree, client_for):
    lesson = cf.lesson(tree.first, "仅限登录")
    assert list(page_routes.view_restrictions(lesson)) == []
    restriction = PageViewRestriction.objects.create(
        page=tree.first, restriction_type=PageViewRestriction.LOGIN
    )
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert list(page_routes.view_restrictions(lesson)) == [restriction]
    assert set(page_routes.view_restrictions(lesson)) == set(Page.get_view_restrictions(lesson))
    response = client_for(None).get(lesson.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_cached_route_follows_restrictions_and_unpublishing(tree, world, client_for):
    """The route and view restrictions kept for a page seen before (page_routes.route_below)
    are stale once a restriction is added or the page unpublished."""
    lesson = cf.lesson(tree.first, "路线缓存的课")
    assert client_for(None).get(lesson.url).status_code == 200
    learner = client_for(world.learner)
    assert learner.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(page=tree.first, restriction_type=PageViewRestriction.LOGIN)
    response = client_for(None).get(lesson.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert learner.get(lesson.url).status_code == 200
    LessonPage.objects.get(pk=lesson.pk).unpublish()
    assert learner.get(lesson.url).status_code == 404


def test_a_restricted_lesson_leaves_the_visitors_cached_list(tree, client_for):
    url = reverse("curriculum:lessons")
    lesson = cf.lesson(tree.first, "将被限制的课")
    assert "将被限制的课" in client_for(None).get(url).content.decode()
    PageViewRestriction.objects.create(page=tree.first, restriction_type=PageViewRestriction.LOGIN)
    assert "将被限制的课" not in client_for(None).get(url).content.decode()
    assert lesson.pk


def test_the_visitors_list_is_cached_until_a_publish(tree, client_for, django_assert_num_queries):
    url = reverse("curriculum:lessons")
    first = client_for(None).get(url)
    assert "max-age=300" in first["Cache-Control"]
    with django_assert_num_queries(0):
        client_for(None).get(url)
    cf.lesson(tree.theme, "新发布的课")
    assert "新发布的课" in client_for(None).get(url).content.decode()


def test_the_lesson_part_follows_a_publish_for_a_learner(tree, world, client_for):
    client = client_for(world.learner)
    assert "好家风伴我行" in client.get(tree.lesson.url).content.decode()
    lesson = LessonPage.objects.get(pk=tree.lesson.pk)
    lesson.summary = "第二版的课程简介。"
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "第二版的课程简介。" in html


def test_a_learners_progress_comes_with_their_groups(tree, world, client_for):
    lesson = tree.lesson
    before = selectors.learning_groups(world.learner, lesson=lesson)
    assert [m.started_at for m in before] == [None]
    assert [m.completion for m in before] == [None]
    client = client_for(world.learner)
    html = client.get(lesson.url).content.decode()  # opens the lesson for their group
    assert 'data-state="ready"' in html
    opened = selectors.learning_groups(world.learner, lesson=lesson)
    assert opened[0].started_at is not None
    services.lesson_complete(lesson=lesson, group=world.group, answers=cf.RIGHT, user=world.learner)
    done = selectors.learning_groups(world.learner, lesson=lesson)[0].completion
    assert done.score == 100 and done.minutes == 45  # the rest of the row loads when asked
    assert 'data-state="done"' in client.get(lesson.url).content.decode()
    # A page seen again writes nothing: the first time stays.
    assert selectors.learning_groups(world.learner, lesson=lesson)[0].started_at == (
        opened[0].started_at
    )
