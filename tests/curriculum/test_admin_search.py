"""Editors find lessons in Wagtail's admin search by a two-character Chinese word, on the database
search backend (SQLite here, PostgreSQL in CI). Chinese has no spaces, so the backends' own
tokenisers see a whole run of characters as one word; lessons add their text segmented by jieba
(LessonPage.search_text, with search.text's tokens), and the admin search page finds 矫正
inside 社区矫正对象."""

import pytest
from django.urls import reverse

from curriculum.models import LessonPage
from portal.services import staff_role_grant
from tests import factories
from tests.curriculum import factories as cf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lessons(home_page, tree):
    return {
        "rights": cf.lesson(
            tree.first,
            "认识社区矫正：报到与请假制度",
            summary="社区矫正对象入矫后应当遵守的报到、会客与外出请假规定。",
        ),
        "traffic": cf.lesson(
            tree.traffic,
            "道路交通安全法要点",
            summary="醉酒驾驶的法律后果与文明出行。",
            offences=["dangerous_driving"],
        ),
        "draft": cf.lesson(
            tree.theme, "家风与守法", summary="草稿：遵纪守法从家做起。", publish=False
        ),
    }


@pytest.fixture
def officer(regions):
    user = factories.UserFactory(kind="staff", display_name="陈老师")
    staff_role_grant(user=user, role="education_officer", region=regions["440106"], granted_by=None)
    return user


def admin_search(client, words) -> set[str]:
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": words})
    assert response.status_code == 200
    return {page.title for page in response.context["pages"]}


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("矫正", {"认识社区矫正：报到与请假制度"}),
        ("交通", {"道路交通安全法要点"}),
        ("请假", {"认识社区矫正：报到与请假制度"}),  # in the summary only
        ("醉酒", {"道路交通安全法要点"}),
        ("守法", {"家风与守法"}),  # editors find their drafts too
        ("社区矫正", {"认识社区矫正：报到与请假制度"}),
        ("外卖", set()),
    ],
)
def test_editors_find_lessons_by_a_chinese_word(client_for, lessons, officer, words, found):
    assert admin_search(client_for(officer), words) & {p.title for p in lessons.values()} == found


def test_an_edited_lesson_is_found_by_its_new_words(client_for, lessons, officer):
    lesson = LessonPage.objects.get(pk=lessons["traffic"].pk)
    lesson.summary = "酒后驾驶与安全带：道路安全常识。"
    lesson.save_revision().publish()
    client = client_for(officer)
    assert "道路交通安全法要点" in admin_search(client, "安全带")
    assert "道路交通安全法要点" not in admin_search(client, "醉酒")


def test_the_search_text_is_segmented_once_by_jieba(lessons):
    tokens = LessonPage.objects.get(pk=lessons["rights"].pk).search_text.split()
    assert {"社区", "矫正", "请假"} <= set(tokens)
