"""Activities over the API: who sees which (the regions a volunteer serves; a coordinator's own),
who may sign up, cancel and check in, and that refused or malformed input changes nothing."""

from datetime import timedelta

import pytest

from tests import factories
from tests.api.conftest import TokenClient, counted_queries, publish
from volunteers.models import SignUp

pytestmark = pytest.mark.django_db

LIST = "/api/v1/activities"


@pytest.fixture
def near(roles, regions):
    """An activity in 石牌街司法所 (inside 天河区, which the volunteers serve) and one in 武侯区."""
    return publish(roles.coordinator, regions["440106005"])


@pytest.fixture
def far(regions):
    return publish(factories.coordinator(regions["510107"]), regions["510107001"], title="成都活动")


def ids(response):
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["items"]]


@pytest.mark.parametrize("who", ["volunteer", "social_worker", "lead", "coordinator"])
def test_those_serving_or_covering_the_region_see_it_and_not_the_far_one(
    roles, near, far, token_client, who
):
    assert ids(token_client(getattr(roles, who)).get(LIST)) == [near.pk]


@pytest.mark.parametrize("who", ["partner", "learner", "newcomer"])
def test_others_see_no_activity(roles, near, token_client, who):
    app = token_client(getattr(roles, who))
    assert ids(app.get(LIST)) == []
    assert app.get(f"{LIST}/{near.pk}").status_code == 404


def test_anonymous_and_a_bad_token_get_401(near):
    for app in (TokenClient(), TokenClient("x" * 32)):
        assert app.get(LIST).status_code == 401
        assert app.post_json(f"{LIST}/{near.pk}/signup").status_code == 401
    assert not SignUp.objects.exists()


def test_a_volunteer_of_another_province_gets_404_for_the_activity(near, token_client, regions):
    other = factories.vetted(factories.VolunteerFactory(display_name="成都志愿者"), ("510107",))
    app = token_client(other)
    assert app.get(f"{LIST}/{near.pk}").status_code == 404
    assert app.post_json(f"{LIST}/{near.pk}/signup").status_code == 404
    assert not SignUp.objects.exists()


def test_sign_up_then_waiting_list_then_cancel_moves_the_next_up(roles, regions, token_client):
    activity = publish(roles.coordinator, regions["440106005"], capacity=1)
    first, second = token_client(roles.volunteer), token_client(roles.social_worker)
    response = first.post_json(f"{LIST}/{activity.pk}/signup")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["status_label"] == "已确认"
    assert second.post_json(f"{LIST}/{activity.pk}/signup").json()["status"] == "waiting"
    detail = first.get(f"{LIST}/{activity.pk}").json()
    assert (detail["taken"], detail["my_status"]) == (1, "confirmed")

    again = first.post_json(f"{LIST}/{activity.pk}/signup")
    assert again.status_code == 400
    assert again.json()["detail"] == "您已报名。"

    assert first.post_json(f"{LIST}/{activity.pk}/cancel").json()["status"] == "cancelled"
    assert second.get(f"{LIST}/{activity.pk}").json()["my_status"] == "confirmed"


@pytest.mark.parametrize("who", ["coordinator", "newcomer", "partner", "learner"])
def test_only_approved_volunteers_sign_up(roles, near, token_client, who):
    assert token_client(getattr(roles, who)).post_json(f"{LIST}/{near.pk}/signup").status_code == (
        404
    )
    assert not SignUp.objects.exists()


def test_cancel_without_a_sign_up_is_404(roles, near, token_client):
    assert token_client(roles.volunteer).post_json(f"{LIST}/{near.pk}/cancel").status_code == 404


def test_check_in_with_the_code(roles, regions, token_client):
    activity = publish(roles.coordinator, regions["440106005"], starts_in=timedelta(minutes=10))
    app = token_client(roles.volunteer)
    app.post_json(f"{LIST}/{activity.pk}/signup")
    response = app.post_json(f"{LIST}/{activity.pk}/checkin", {"code": activity.checkin_code})
    assert response.status_code == 200
    assert response.json()["checked_in_at"] is not None
    assert app.get(f"{LIST}/{activity.pk}").json()["checked_in"] is True


def test_a_wrong_code_is_refused_in_chinese_and_counted(roles, regions, token_client):
    activity = publish(roles.coordinator, regions["440106005"], starts_in=timedelta(minutes=10))
    app = token_client(roles.volunteer)
    app.post_json(f"{LIST}/{activity.pk}/signup")
    wrong = "000000" if activity.checkin_code != "000000" else "111111"
    response = app.post_json(f"{LIST}/{activity.pk}/checkin", {"code": wrong})
    assert response.status_code == 400
    assert response.json()["errors"]["code"][0] == "签到码不正确。 还可尝试 4 次。"
    signup = SignUp.objects.get(activity=activity)
    assert signup.checked_in_at is None and signup.checkin_failures == 1


@pytest.mark.parametrize("code", ["12ab56", "12345", "1234567", "١٢٣٤٥٦", ""])
def test_a_malformed_code_is_422_and_not_counted(roles, regions, token_client, code):
    activity = publish(roles.coordinator, regions["440106005"], starts_in=timedelta(minutes=10))
    app = token_client(roles.volunteer)
    app.post_json(f"{LIST}/{activity.pk}/signup")
    response = app.post_json(f"{LIST}/{activity.pk}/checkin", {"code": code})
    assert response.status_code == 422
    assert response.json()["detail"] == "您提交的内容有误。"
    assert "code" in response.json()["errors"]
    assert SignUp.objects.get(activity=activity).checkin_failures == 0


def test_check_in_before_the_window_says_when_it_opens(roles, near, token_client):
    app = token_client(roles.volunteer)
    app.post_json(f"{LIST}/{near.pk}/signup")
    response = app.post_json(f"{LIST}/{near.pk}/checkin", {"code": near.checkin_code})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("签到开放时间")
    assert SignUp.objects.get(activity=near).checked_in_at is None


def test_check_out_logs_the_hours(roles, regions, token_client):
    activity = publish(roles.coordinator, regions["440106005"], starts_in=timedelta(minutes=10))
    app = token_client(roles.volunteer)
    app.post_json(f"{LIST}/{activity.pk}/signup")
    assert app.post_json(f"{LIST}/{activity.pk}/checkout").status_code == 400  # not checked in
    app.post_json(f"{LIST}/{activity.pk}/checkin", {"code": activity.checkin_code})
    response = app.post_json(f"{LIST}/{activity.pk}/checkout")
    assert response.status_code == 200
    assert response.json() | {"id": 0} == {"id": 0, "hours": 0.5, "status": "pending"}


def test_the_list_costs_the_same_queries_for_2_and_30_activities(roles, regions, token_client):
    app = token_client(roles.volunteer)
    for _ in range(2):
        app.post_json(f"{LIST}/{publish(roles.coordinator, regions['440106005']).pk}/signup")
    small = counted_queries(lambda: app.get(LIST))
    for _ in range(28):
        app.post_json(f"{LIST}/{publish(roles.coordinator, regions['440106005']).pk}/signup")
    larger = counted_queries(lambda: ids(app.get(LIST)))
    assert larger == small
    assert len(ids(app.get(LIST + "?limit=100"))) == 30


def test_paging_bounds_are_422(roles, token_client):
    app = token_client(roles.volunteer)
    for query in ("limit=0", "limit=101", "offset=-1", "limit=abc"):
        assert app.get(f"{LIST}?{query}").status_code == 422, query
