"""Who may edit and publish curriculum pages in Wagtail's admin, and what visitors see once a page
is published: education officers draft and submit but cannot publish, reviewers approve, and no
one else reaches the editor; anonymous visitors get cached pages that a publish refreshes at once.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from curriculum import services
from curriculum.models import LessonPage, MonthlyThemePage
from portal.services import staff_role_grant
from tests import factories
from tests.curriculum import factories as cf
from tests.curriculum.test_pages import lesson_form, quiz_value

pytestmark = pytest.mark.django_db


# --- the editorial permissions (Wagtail groups set up by the migration) --------------------------


@pytest.fixture
def editors(tree, world, regions):
    officer = factories.UserFactory(kind="staff", display_name="陈老师")
    staff_role_grant(
        user=officer, role="education_officer", region=regions["440106"], granted_by=None
    )
    reviewer = factories.UserFactory(kind="staff", display_name="王审核")
    services.reviewer_add(user=reviewer, added_by=None)
    world.officer, world.reviewer = officer, reviewer
    return world


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["curriculum", "lessonpage", parent.pk])


def test_an_officer_drafts_and_submits_but_cannot_publish(tree, editors, client_for):
    client = client_for(editors.officer)
    assert client.get(add_url(tree.theme)).status_code == 200
    form = lesson_form([("quiz", quiz_value())])
    # Asking to publish is not honoured: the lesson is saved as a draft.
    client.post(add_url(tree.theme), {**form, "action-publish": "publish"})
    lesson = LessonPage.objects.get(slug="drunk-driving")
    assert not lesson.live and lesson.owner == editors.officer
    assert not lesson.permissions_for_user(editors.officer).can_publish()

    # She edits her draft and submits it for review.
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    form = lesson_form([("quiz", quiz_value())], title="醉驾的法律后果（修订）")
    response = client.post(edit, {**form, "action-submit": "submit"})
    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live and lesson.workflow_in_progress
    assert lesson.get_latest_revision_as_object().title == "醉驾的法律后果（修订）"
    # Nor can she approve her own lesson.
    state = lesson.current_workflow_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", state.current_task_state.pk],
    )
    client.post(approve)
    assert not LessonPage.objects.get(pk=lesson.pk).live


def test_a_reviewer_approves_and_the_lesson_goes_live(tree, editors, client_for):
    lesson = cf.lesson(tree.theme, "下周上线的课", publish=False)
    lesson.save_revision(user=editors.officer)
    lesson.get_workflow().start(lesson, editors.officer)
    state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS)
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", state.current_task_state.pk],
    )
    response = client_for(editors.reviewer).post(approve)
    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and not lesson.workflow_in_progress
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


@pytest.mark.parametrize(
    "person", ["coordinator", "volunteer", "social_worker", "lead", "learner", "anonymous"]
)
def test_no_one_else_reaches_the_page_editor(tree, editors, client_for, person):
    client = client_for(getattr(editors, person))
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[tree.lesson.pk]),
        add_url(tree.theme),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    client.post(
        reverse("wagtailadmin_pages:edit", args=[tree.lesson.pk]),
        {**lesson_form([]), "title": "篡改", "action-publish": "publish"},
    )
    assert LessonPage.objects.get(pk=tree.lesson.pk).title == "好家风伴我行"


# --- page caching for anonymous visitors ---------------------------------------------------------


def anonymous_get(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 200
    return response


def test_a_published_change_is_seen_at_once_by_visitors(tree, client_for):
    first = anonymous_get(client_for, tree.lesson.url)
    assert "max-age=300" in first["Cache-Control"]
    assert "好家风伴我行" in first.content.decode()

    lesson = LessonPage.objects.get(pk=tree.lesson.pk)
    lesson.title = "好家风伴我行（第二版）"
    lesson.save_revision().publish()
    assert "好家风伴我行（第二版）" in anonymous_get(client_for, lesson.url).content.decode()


def test_a_new_lesson_and_theme_reach_the_cached_theme_page_and_calendar(tree, client_for):
    year = timezone.localdate().year
    calendar_url = f"{tree.index.url}?year={year}"
    assert "心理健康" not in anonymous_get(client_for, calendar_url).content.decode()
    assert "人生规划第一课" not in anonymous_get(client_for, tree.theme.url).content.decode()

    other_month = date(year, 1 if timezone.localdate().month != 1 else 2, 1)
    cf.theme(tree.index, other_month, name="心理健康")
    cf.lesson(tree.theme, "人生规划第一课")
    assert "心理健康" in anonymous_get(client_for, calendar_url).content.decode()
    assert "人生规划第一课" in anonymous_get(client_for, tree.theme.url).content.decode()


def test_an_unpublished_lesson_leaves_the_cached_theme_page(tree, client_for):
    assert "好家风伴我行" in anonymous_get(client_for, tree.theme.url).content.decode()
    LessonPage.objects.get(pk=tree.lesson.pk).unpublish()
    assert "好家风伴我行" not in anonymous_get(client_for, tree.theme.url).content.decode()
    assert client_for(None).get(tree.lesson.url).status_code == 404


def test_drafts_are_never_shown_to_visitors(tree, client_for):
    theme = MonthlyThemePage.objects.get(pk=tree.theme.pk)
    theme.theme = "家风教育（草稿改动）"
    theme.save_revision()
    html = anonymous_get(client_for, theme.url).content.decode()
    assert "草稿改动" not in html


def test_the_theme_form_needs_a_month(tree, editors, client_for):
    """A bad theme (no month) is refused with a translated error and nothing is created."""
    response = client_for(editors.officer).post(
        reverse("wagtailadmin_pages:add", args=["curriculum", "monthlythemepage", tree.index.pk]),
        nested_form_data(
            {"title": "无月份", "slug": "no-month", "month": "", "theme": "人生规划",
             "summary": "缺少月份。", "objectives": "", "body": streamfield([])}
        ),
    )  # fmt: skip
    assert response.status_code == 200
    with translation.override("zh-hans"):
        required = translation.gettext("This field is required.")
    assert response.context["form"].errors["month"] == [required]
    assert required != "This field is required." and required in response.content.decode()
    assert not MonthlyThemePage.objects.filter(slug="no-month").exists()
