"""Service hours over the API: logging for one's own group only, the page's rules and messages
for bad input (nothing stored), the list and the star progress, per role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import TokenClient, counted_queries
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

HOURS, PROGRESS = "/api/v1/hours", "/api/v1/hours/progress"


def entry(for_group, **changes):
    return {
        "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "hours": 2.5,
        "description": "陪同学员参加职业技能培训",
        "group": for_group.code,
    } | changes


@pytest.mark.parametrize("who", ["volunteer", "lead"])
def test_a_member_logs_hours_for_their_group_and_sees_them(roles, token_client, who):
    app = token_client(getattr(roles, who))
    response = app.post_json(HOURS, entry(roles.group))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["hours"], body["status"], body["status_label"]) == (2.5, "pending", "待确认")
    assert body["group"] == roles.group.code and body["region"] == "石牌街司法所"
    listed = app.get(HOURS).json()
    assert listed["count"] == 1 and listed["items"][0]["description"] == "陪同学员参加职业技能培训"
    assert app.get(PROGRESS).json()["pending"] == 2.5


def test_an_approved_social_worker_outside_the_group_may_not_log_for_it(roles, token_client):
    response = token_client(roles.social_worker).post_json(HOURS, entry(roles.group))
    assert response.status_code == 400
    assert "group" in response.json()["errors"]
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "partner", "learner"])
def test_accounts_without_a_profile_get_404(roles, token_client, who):
    app = token_client(getattr(roles, who))
    assert app.post_json(HOURS, entry(roles.group)).status_code == 404
    assert app.get(HOURS).status_code == 404
    assert app.get(PROGRESS).status_code == 404
    assert not ServiceRecord.objects.exists()


def test_an_unapproved_volunteer_is_told_why(roles, token_client):
    from volunteers.models import VolunteerProfile

    VolunteerProfile.objects.create(user=roles.newcomer, kind="volunteer")
    response = token_client(roles.newcomer).post_json(HOURS, entry(roles.group))
    assert response.status_code == 400
    assert not ServiceRecord.objects.exists()


def test_anonymous_gets_401(roles):
    assert TokenClient().post_json(HOURS, entry(roles.group)).status_code == 401
    assert TokenClient().get(PROGRESS).status_code == 401
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": 13}, "hours", "确保该值小于或等于12。"),
        ({"hours": 0.7}, "hours", "时长以半小时为单位，例如 1.5。"),
        ({"date": "2999-01-01"}, "date", "日期不能晚于今天。"),
        ({"group": "GD-000000-2026-9999"}, "group", None),
        ({"group": None}, "__all__", "请选择一个矫正小组或一项志愿活动（二选一）。"),
    ],
)
def test_refused_input_is_400_with_the_pages_message_and_nothing_stored(
    roles, token_client, changes, field, message
):
    response = token_client(roles.volunteer).post_json(HOURS, entry(roles.group, **changes))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert response.json()["detail"]
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    "changes", [{"hours": "两小时"}, {"date": "昨天"}, {"description": None}, {"activity": 0}]
)
def test_malformed_input_is_422_and_nothing_stored(roles, token_client, changes):
    response = token_client(roles.volunteer).post_json(HOURS, entry(roles.group, **changes))
    assert response.status_code == 422
    assert response.json()["detail"] == "您提交的内容有误。"
    assert not ServiceRecord.objects.exists()


def test_star_progress_counts_confirmed_hours_only(roles, token_client):
    from volunteers.services import service_record_decide

    app = token_client(roles.volunteer)
    first = app.post_json(HOURS, entry(roles.group, hours=4)).json()
    app.post_json(HOURS, entry(roles.group, hours=2, date=timezone.localdate().isoformat()))
    service_record_decide(
        record=ServiceRecord.objects.get(pk=first["id"]), confirm=True, decided_by=roles.lead
    )
    progress = app.get(PROGRESS).json()
    assert progress == {
        "confirmed": 4.0,
        "pending": 2.0,
        "stars": 0,
        "next_threshold": 100,
        "hours_to_next": 96.0,
        "percent": 4,
    }


def test_the_list_costs_the_same_queries_for_2_and_30_records(roles, token_client):
    app = token_client(roles.volunteer)
    today = timezone.localdate()

    def log(n):
        for i in range(n):
            day = today - timedelta(days=len(ServiceRecord.objects.all()) + i + 1)
            assert app.post_json(HOURS, entry(roles.group, date=day.isoformat())).status_code == 201

    log(2)
    small = counted_queries(lambda: app.get(HOURS + "?limit=100"))
    log(28)
    larger = counted_queries(lambda: app.get(HOURS + "?limit=100"))
    assert larger == small
    assert app.get(HOURS + "?limit=100").json()["count"] == 30


def test_a_body_that_is_not_json_is_400_in_chinese(roles, token_client):
    app = token_client(roles.volunteer)
    response = app.post(HOURS, "日期=昨天", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON。"
    assert not ServiceRecord.objects.exists()
