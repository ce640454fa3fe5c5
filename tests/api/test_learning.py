"""Learning over the API: a learner's lessons, one lesson without its answers, starting and
completing with the quiz (the lesson page's rules and messages; nothing recorded when refused),
per role; the list at a constant query count; and a script's whole journey with headers only."""

import json

import pytest
from django.test import Client

from curriculum import services as curriculum_services
from curriculum.models import LessonCompletion, LessonStart
from tests import factories
from tests.api.conftest import LOGIN, TokenClient, counted_queries
from tests.curriculum import factories as cf
from tests.curriculum.conftest import instant_study_time, tree  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LESSONS = "/api/v1/learning/lessons"
RIGHT, WRONG = [1, 0], [0, 1]


def lesson_url(lesson, action=""):
    return f"{LESSONS}/{lesson.pk}" + (f"/{action}" if action else "")


@pytest.fixture
def given(roles, tree):  # noqa: F811
    """This month's lesson given to the group by its lead."""
    curriculum_services.lesson_assign(group=roles.group, lesson=tree.lesson, assigned_by=roles.lead)
    return tree.lesson


def mine(app, lesson):
    items = app.get(LESSONS).json()["items"]
    return next(i for i in items if i["id"] == lesson.pk)


@pytest.mark.parametrize("who", ["learner", "lead"])
def test_the_learner_and_the_lead_see_the_lesson_given_to_their_group(
    roles, token_client, given, who
):
    body = token_client(getattr(roles, who)).get(LESSONS).json()
    item = next(i for i in body["items"] if i["id"] == given.pk)
    assert item["title"] == "好家风伴我行" and item["group"] == roles.group.code
    assert item["theme"] == "家风教育" and item["series"] is None
    assert (item["source"], item["source_label"]) == ("lead", "组长指派")
    assert (item["status"], item["ready_at"], item["completed_at"]) == ("new", None, None)
    assert body["hours"] == [
        {
            "group": roles.group.code,
            "role": "learner" if who == "learner" else "lead",
            "month": body["hours"][0]["month"],
            "minutes": 0,
        }
    ]


@pytest.mark.parametrize("who", ["volunteer", "partner", "social_worker", "coordinator"])
def test_people_who_learn_in_no_group_have_no_lessons(roles, token_client, given, who):
    assert token_client(getattr(roles, who)).get(LESSONS).json() == {"items": [], "hours": []}


def test_anonymous_gets_401_everywhere(given):
    app = TokenClient()
    assert app.get(LESSONS).status_code == 401
    assert app.get(lesson_url(given)).status_code == 401
    assert app.post_json(lesson_url(given, "start")).status_code == 401
    response = app.post_json(lesson_url(given, "complete"), {"group": "x", "answers": RIGHT})
    assert response.status_code == 401
    assert not LessonStart.objects.exists() and not LessonCompletion.objects.exists()


def test_the_lesson_has_its_quiz_questions_but_never_the_right_answers(roles, token_client, given):
    response = token_client(roles.learner).get(lesson_url(given))
    assert response.status_code == 200
    body = response.json()
    assert [b["type"] for b in body["body"]] == ["heading", "paragraph", "discussion"]
    assert "良好的家风是立身之本" in body["body"][1]["html"]
    assert body["quiz"]["pass_mark"] == 60
    assert body["quiz"]["questions"][1] == {
        "question": "醉酒驾驶机动车构成什么罪？",
        "choices": [{"text": "危险驾驶罪"}, {"text": "不构成犯罪"}],
    }
    raw = response.content.decode()
    assert "is_correct" not in raw and "correct" not in raw.lower()
    assert body["learning"] == [
        {
            "group": roles.group.code,
            "status": "new",
            "started_at": None,
            "ready_at": None,
            "completed_at": None,
            "score": None,
        }
    ]
    # Reading is not starting: the clock starts when the app says so.
    assert not LessonStart.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "partner", "coordinator"])
def test_others_read_the_public_lesson_but_may_not_start_or_complete_it(
    roles, token_client, given, who
):
    app = token_client(getattr(roles, who))
    body = app.get(lesson_url(given)).json()
    assert body["title"] == "好家风伴我行" and body["learning"] == []
    assert "is_correct" not in json.dumps(body)
    assert app.post_json(lesson_url(given, "start")).status_code == 404
    response = app.post_json(
        lesson_url(given, "complete"), {"group": roles.group.code, "answers": RIGHT}
    )
    assert response.status_code == 404
    assert not LessonStart.objects.exists() and not LessonCompletion.objects.exists()


def test_an_unpublished_lesson_is_404(roles, token_client, tree):  # noqa: F811
    draft = cf.lesson(tree.theme, "未发布的课", publish=False)
    app = token_client(roles.learner)
    assert app.get(lesson_url(draft)).status_code == 404
    assert app.post_json(lesson_url(draft, "start")).status_code == 404
    assert app.get(f"{LESSONS}/999999").status_code == 404
    assert not LessonStart.objects.exists()


def test_start_then_complete_with_the_right_answers(roles, token_client, given):
    app = token_client(roles.learner)
    started = app.post_json(lesson_url(given, "start"))
    assert started.status_code == 200
    assert started.json()[0]["status"] == "ready"  # a study minute lasts no time here
    response = app.post_json(
        lesson_url(given, "complete"), {"group": roles.group.code, "answers": RIGHT}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["score"], body["minutes"], body["month_minutes"]) == (100, 45, 45)
    completion = LessonCompletion.objects.get()
    assert (completion.score, completion.recorded_by, completion.on_behalf) == (
        100,
        roles.learner,
        False,
    )
    item = mine(app, given)
    assert (item["status"], item["score"]) == ("done", 100)


def test_a_second_start_keeps_the_first_time(roles, token_client, given):
    app = token_client(roles.learner)
    first = app.post_json(lesson_url(given, "start")).json()[0]["started_at"]
    assert app.post_json(lesson_url(given, "start")).json()[0]["started_at"] == first
    assert LessonStart.objects.count() == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (WRONG, "正确率 0%，及格需要 60%。请再学习一遍后重试。"),
        ([1], "请回答测验的每一道题，第 2 题尚未作答。"),
        ([1, 7], "请回答测验的每一道题，第 2 题尚未作答。"),
    ],
)
def test_a_failed_or_incomplete_quiz_is_400_with_the_pages_message_and_nothing_recorded(
    roles, token_client, given, answers, message
):
    app = token_client(roles.learner)
    app.post_json(lesson_url(given, "start"))
    response = app.post_json(
        lesson_url(given, "complete"), {"group": roles.group.code, "answers": answers}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert not LessonCompletion.objects.exists()
    assert mine(app, given)["status"] == "ready"


def test_completing_before_the_time_is_spent_is_refused(roles, token_client, given, settings):
    settings.CURRICULUM_SECONDS_PER_STUDY_MINUTE = 60
    app = token_client(roles.learner)
    assert app.post_json(lesson_url(given, "start")).json()[0]["status"] == "waiting"
    response = app.post_json(
        lesson_url(given, "complete"), {"group": roles.group.code, "answers": RIGHT}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "这门课程需要学习 45 分钟，打开后才过了 0 分钟。"
    assert not LessonCompletion.objects.exists()


def test_a_lesson_counts_once(roles, token_client, given):
    app = token_client(roles.learner)
    app.post_json(lesson_url(given, "start"))
    payload = {"group": roles.group.code, "answers": RIGHT}
    assert app.post_json(lesson_url(given, "complete"), payload).status_code == 200
    again = app.post_json(lesson_url(given, "complete"), payload)
    assert again.status_code == 400
    assert again.json()["detail"] == "这门课程已经完成，只计一次。"
    assert LessonCompletion.objects.count() == 1


def test_another_groups_code_is_404(roles, token_client, given, regions):
    from groups import services as group_services
    from tests.groups.conftest import group_data

    other = group_services.group_create(data=group_data(regions), created_by=roles.coordinator)
    app = token_client(roles.learner)
    app.post_json(lesson_url(given, "start"))
    response = app.post_json(lesson_url(given, "complete"), {"group": other.code, "answers": RIGHT})
    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()


@pytest.mark.parametrize(
    "payload", [{"answers": RIGHT}, {"group": "x", "answers": ["甲", "乙"]}, {"group": None}]
)
def test_malformed_input_is_422_and_nothing_recorded(roles, token_client, given, payload):
    app = token_client(roles.learner)
    app.post_json(lesson_url(given, "start"))
    response = app.post_json(lesson_url(given, "complete"), payload)
    assert response.status_code == 422
    assert response.json()["detail"] == "您提交的内容有误。"
    assert not LessonCompletion.objects.exists()


def test_my_lessons_cost_the_same_queries_for_1_and_6_lessons(
    roles,
    token_client,
    given,
    tree,  # noqa: F811
):
    app = token_client(roles.lead)
    app.post_json(lesson_url(given, "start"))
    small = counted_queries(lambda: app.get(LESSONS))
    for n, parent in enumerate([tree.theme, tree.theme, tree.first, tree.first, tree.traffic]):
        lesson = cf.lesson(parent, f"第{n}课")
        curriculum_services.lesson_assign(group=roles.group, lesson=lesson, assigned_by=roles.lead)
        curriculum_services.lesson_open(lesson=lesson, group=roles.group)
    larger = counted_queries(lambda: app.get(LESSONS))
    assert larger == small
    items = app.get(LESSONS).json()["items"]
    assert len(items) >= 6
    assert {i["series"] for i in items if i["month"] is None} >= {tree.first.title}


def test_a_script_logs_in_learns_and_sees_its_progress_with_headers_only(roles, given):
    """What the phone app does, with no cookie ever: log in through the headless endpoint, list
    the lessons, start one, complete it with the answers, then see it done and counted."""
    login = Client().post(
        LOGIN,
        {"email": roles.learner.email, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 200
    app = TokenClient(login.json()["meta"]["session_token"])

    item = mine(app, given)
    assert item["status"] == "new"
    assert app.get(lesson_url(given)).json()["quiz"]["questions"][0]["choices"][1] == {
        "text": "执行地县级社区矫正机构或受委托的司法所"
    }
    assert app.post_json(lesson_url(given, "start")).status_code == 200
    done = app.post_json(
        lesson_url(given, "complete"), {"group": item["group"], "answers": RIGHT}
    ).json()
    assert (done["score"], done["minutes"]) == (100, 45)

    after = app.get(LESSONS).json()
    assert mine(app, given)["status"] == "done"
    assert after["hours"][0]["minutes"] == 45
    # Hours of service are a volunteer's: a learner has none (their progress is the above).
    assert app.get("/api/v1/hours/progress").status_code == 404
    assert not app.cookies


def test_images_point_at_this_site_and_a_video_is_a_plain_link(
    roles,
    token_client,
    tree,  # noqa: F811
    settings,
    tmp_path,
):
    from django.core.files.images import ImageFile
    from PIL import Image as Picture
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    picture = tmp_path / "family.png"
    Picture.new("RGB", (1200, 600), "#c33").save(picture)
    with picture.open("rb") as f:
        image = Image.objects.create(title="全家福", file=ImageFile(f, name="family.png"))
    lesson = cf.lesson(tree.theme, "图片课")
    lesson.body = json.dumps(
        [
            {"type": "image", "value": {"image": image.pk, "caption": "一家人", "alt": "全家福"}},
            {"type": "video", "value": {"url": "https://v.qq.com/x/page/a1.html", "title": "家风"}},
        ],
        ensure_ascii=False,
    )
    lesson.save_revision().publish()
    body = token_client(roles.learner).get(lesson_url(lesson)).json()["body"]
    image_html, video_html = body[0]["html"], body[1]["html"]
    src = image_html.split('src="')[1].split('"')[0]
    assert src.startswith(settings.MEDIA_URL) and "全家福" in image_html
    assert body[1]["type"] == "video"
    assert video_html == '<a href="https://v.qq.com/x/page/a1.html" rel="noopener">家风</a>'
    assert "iframe" not in video_html
