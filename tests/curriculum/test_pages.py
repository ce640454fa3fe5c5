"""The page types in Wagtail's admin: where each may be created, what a valid one needs, and
what the blocks refuse (a quiz without a right answer, a video from an unsupported host)."""

import json
from datetime import date

from django.contrib.auth.models import Group
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from curriculum import services
from curriculum.models import (
    CurriculumIndexPage,
    LessonPage,
    LessonSeriesIndexPage,
    LessonSeriesPage,
    MonthlyThemePage,
)
from portal.models import HomePage, StaffRole
from tests import factories
from tests.curriculum import factories as cf


def quiz_value(correct=(True, False)):
    return {
        "heading": "随堂测验",
        "pass_mark": 60,
        "questions": streamfield(
            [
                (
                    "item",
                    {
                        "question": "醉酒驾驶机动车构成什么罪？",
                        "choices": streamfield(
                            [
                                ("item", {"text": "危险驾驶罪", "is_correct": correct[0]}),
                                ("item", {"text": "不构成犯罪", "is_correct": correct[1]}),
                            ]
                        ),
                    },
                )
            ]
        ),
    }


def lesson_form(body_blocks, **changes):
    data = {
        "title": "醉驾的法律后果",
        "slug": "drunk-driving",
        "summary": "危险驾驶罪的构成与后果。",
        "duration_minutes": 40,
        "delivery_mode": "both",
        "stage": "active",
        "audience": "adult",
        "objectives": "知道醉驾入刑的标准",
        "body": streamfield(body_blocks),
    }
    data.update(changes)
    return nested_form_data(data)


class CurriculumPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        from portal.services import reference_data_load

        reference_data_load()
        cls.index = services.curriculum_tree_ensure()
        cls.theme = cf.theme(cls.index, date(2026, 9, 1))
        cls.traffic = cf.series("traffic-law")

    def setUp(self):
        self.login()

    def test_the_tree_allows_each_type_only_where_it_belongs(self):
        self.assertCanCreateAt(HomePage, CurriculumIndexPage)
        self.assertCanCreateAt(CurriculumIndexPage, MonthlyThemePage)
        self.assertCanCreateAt(CurriculumIndexPage, LessonSeriesIndexPage)
        self.assertCanCreateAt(LessonSeriesIndexPage, LessonSeriesPage)
        self.assertCanCreateAt(MonthlyThemePage, LessonPage)
        self.assertCanCreateAt(LessonSeriesPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CurriculumIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(Page, MonthlyThemePage)

    def test_an_officer_can_create_a_monthly_theme(self):
        self.assertCanCreate(
            self.index,
            MonthlyThemePage,
            nested_form_data(
                {
                    "title": "2026年10月：革命传统",
                    "slug": "theme-2026-10",
                    "month": "2026-10-15",
                    "theme": "革命传统",
                    "summary": "重温革命先辈的奋斗历程。",
                    "objectives": "了解长征精神",
                    "body": streamfield([]),
                }
            ),
        )
        assert MonthlyThemePage.objects.get(slug="theme-2026-10").month == date(2026, 10, 1)

    def test_a_lesson_with_every_block_can_be_created(self):
        self.assertCanCreate(
            self.traffic,
            LessonPage,
            lesson_form(
                [
                    ("heading", "一、醉驾入刑"),
                    (
                        "paragraph",
                        rich_text("<p>血液酒精含量达到80毫克/100毫升以上属于醉酒驾驶。</p>"),
                    ),
                    (
                        "video",
                        {"url": "https://v.qq.com/x/page/a0000000000.html", "title": "交通安全"},
                    ),
                    (
                        "discussion",
                        {"heading": "", "questions": streamfield([("item", "醉驾害了谁？")])},
                    ),
                    ("quiz", quiz_value()),
                ],
                offences=["1"],
            ),
        )
        lesson = LessonPage.objects.get(slug="drunk-driving")
        assert lesson.quiz["pass_mark"] == 60

    def test_a_quiz_without_a_correct_answer_is_refused(self):
        response = self.client.post(
            f"/admin/pages/add/curriculum/lessonpage/{self.traffic.pk}/",
            lesson_form([("quiz", quiz_value(correct=(False, False)))]),
        )
        assert response.status_code == 200
        assert not LessonPage.objects.filter(slug="drunk-driving").exists()
        # The stream's errors travel to the editor as JSON, with escaped Chinese.
        self.assertContains(response, json.dumps("请标出正确答案。")[1:-1])

    def test_a_quiz_with_two_correct_answers_is_refused(self):
        response = self.client.post(
            f"/admin/pages/add/curriculum/lessonpage/{self.traffic.pk}/",
            lesson_form([("quiz", quiz_value(correct=(True, True)))]),
        )
        assert response.status_code == 200
        assert not LessonPage.objects.filter(slug="drunk-driving").exists()
        self.assertContains(response, json.dumps("单选题只能有一个正确答案。")[1:-1])

    def test_a_video_from_an_unsupported_host_is_refused(self):
        response = self.client.post(
            f"/admin/pages/add/curriculum/lessonpage/{self.traffic.pk}/",
            lesson_form([("video", {"url": "https://evil.example.com/v/1", "title": "视频"})]),
        )
        assert response.status_code == 200
        assert not LessonPage.objects.filter(slug="drunk-driving").exists()
        self.assertContains(response, json.dumps("视频只能来自以下网站：")[1:-1])
        self.assertContains(response, "v.qq.com")

    def test_two_themes_in_one_month_are_refused(self):
        response = self.client.post(
            f"/admin/pages/add/curriculum/monthlythemepage/{self.index.pk}/",
            nested_form_data(
                {
                    "title": "重复",
                    "slug": "dup",
                    "month": "2026-09-20",
                    "theme": "人生规划",
                    "summary": "重复的月份。",
                    "objectives": "",
                    "body": streamfield([]),
                }
            ),
        )
        assert response.status_code == 200
        assert not MonthlyThemePage.objects.filter(slug="dup").exists()
        self.assertContains(response, "2026-09 已有主题")

    def test_pages_render(self):
        lesson = cf.lesson(self.theme, "好家风伴我行")
        for page in (self.index, self.theme, lesson, self.traffic, self.traffic.get_parent()):
            self.assertPageIsRenderable(page)


def test_an_education_officer_is_an_editor_and_may_not_publish(tree, regions):
    officer = factories.education_officer(regions["440106"])
    from portal.services import staff_role_grant

    staff_role_grant(
        user=officer,
        role=StaffRole.Role.EDUCATION_OFFICER,
        region=regions["440106"],
        granted_by=None,
    )
    permissions = tree.theme.permissions_for_user(officer)
    assert permissions.can_add_subpage()
    assert not permissions.can_publish()
    reviewer = factories.UserFactory(kind="staff")
    services.reviewer_add(user=reviewer, added_by=None)
    assert Group.objects.get(name="Moderators") in reviewer.groups.all()
    assert tree.theme.permissions_for_user(reviewer).can_publish()


def test_the_indexes_are_under_the_review_workflow(tree):
    for page in (tree.index, tree.theme, tree.lesson, tree.first):
        workflow = page.get_workflow()
        assert workflow is not None and workflow.name == "课程审核流程"
        assert [t.specific.groups.get().name for t in workflow.tasks] == ["Moderators"]
