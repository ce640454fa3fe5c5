"""My groups and my notifications over the API: each person sees their own only, marking read
touches only the caller's, and the lists cost the same queries small or large."""

import pytest

from groups import services as group_services
from groups.models import Membership
from messaging.models import Notification
from tests.api.conftest import TokenClient, counted_queries
from tests.groups.conftest import group_data

pytestmark = pytest.mark.django_db

GROUPS, NOTICES = "/api/v1/groups", "/api/v1/notifications"


@pytest.mark.parametrize(
    ("who", "role"),
    [("lead", "lead"), ("volunteer", "volunteer"), ("partner", "enterprise_contact")],
)
def test_members_see_their_group_with_their_role(roles, token_client, who, role):
    groups = token_client(getattr(roles, who)).get(GROUPS).json()
    assert [(g["code"], g["role"]) for g in groups] == [(roles.group.code, role)]
    assert groups[0]["judicial_office"] == "石牌街司法所"
    assert groups[0]["left_at"] is None


def test_the_learner_sees_their_group_and_nothing_of_others(roles, token_client):
    assert [g["role"] for g in token_client(roles.learner).get(GROUPS).json()] == ["learner"]


@pytest.mark.parametrize("who", ["social_worker", "coordinator", "newcomer"])
def test_people_outside_the_group_see_none(roles, token_client, who):
    assert token_client(getattr(roles, who)).get(GROUPS).json() == []


def test_anonymous_gets_401():
    assert TokenClient().get(GROUPS).status_code == 401


def test_my_groups_cost_the_same_queries_for_1_and_6_groups(roles, regions, token_client):
    app = token_client(roles.lead)
    small = counted_queries(lambda: app.get(GROUPS))
    for _ in range(5):
        group = group_services.group_create(data=group_data(regions), created_by=roles.coordinator)
        Membership.objects.create(group=group, user=roles.lead, role=Membership.Role.LEAD)
    larger = counted_queries(lambda: app.get(GROUPS))
    assert larger == small
    assert len(app.get(GROUPS).json()) == 6


def notices(user, n, title="您的志愿时长已确认"):
    return [
        Notification.objects.create(user=user, kind="hours.decided", title=f"{title}{i}")
        for i in range(n)
    ]


def test_each_sees_their_own_notifications_newest_first(roles, token_client):
    mine = notices(roles.volunteer, 2)
    notices(roles.lead, 3, title="别人的通知")
    body = token_client(roles.volunteer).get(NOTICES).json()
    assert (body["count"], body["unread"]) == (2, 2)
    assert [n["id"] for n in body["items"]] == [mine[1].pk, mine[0].pk]


def test_mark_one_read(roles, token_client):
    mine = notices(roles.volunteer, 2)
    app = token_client(roles.volunteer)
    response = app.post_json(f"{NOTICES}/{mine[0].pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert app.get(NOTICES).json()["unread"] == 1


@pytest.mark.parametrize("who", ["lead", "coordinator", "learner", "partner"])
def test_someone_elses_notification_is_404_and_stays_unread(roles, token_client, who):
    (theirs,) = notices(roles.volunteer, 1)
    response = token_client(getattr(roles, who)).post_json(f"{NOTICES}/{theirs.pk}/read")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_mine(roles, token_client):
    notices(roles.volunteer, 3)
    (other,) = notices(roles.lead, 1)
    response = token_client(roles.volunteer).post_json(f"{NOTICES}/read-all")
    assert response.json() == {"marked": 3}
    assert not Notification.objects.filter(user=roles.volunteer, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_anonymous_cannot_read_or_mark(roles):
    (theirs,) = notices(roles.volunteer, 1)
    assert TokenClient().get(NOTICES).status_code == 401
    assert TokenClient().post_json(f"{NOTICES}/{theirs.pk}/read").status_code == 401
    assert TokenClient().post_json(f"{NOTICES}/read-all").status_code == 401
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_cost_the_same_queries_for_2_and_40(roles, token_client):
    app = token_client(roles.volunteer)
    notices(roles.volunteer, 2)
    small = counted_queries(lambda: app.get(NOTICES))
    notices(roles.volunteer, 38)
    larger = counted_queries(lambda: app.get(NOTICES + "?limit=100"))
    assert larger == small
    assert len(app.get(NOTICES + "?limit=100").json()["items"]) == 40


def test_a_browser_session_needs_the_csrf_token_to_write(roles):
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    (mine,) = notices(roles.volunteer, 1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(roles.volunteer)
    assert browser.get(NOTICES).json()["count"] == 1
    refused = browser.post(f"{NOTICES}/{mine.pk}/read")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "安全校验（CSRF）未通过：请刷新页面后重试。"
    mine.refresh_from_db()
    assert mine.read_at is None
    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    assert browser.post(f"{NOTICES}/{mine.pk}/read", HTTP_X_CSRFTOKEN=token).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_token_write_needs_no_csrf(roles):
    (mine,) = notices(roles.volunteer, 1)
    from tests.api.conftest import login_token

    app = TokenClient(login_token(roles.volunteer.email), enforce_csrf_checks=True)
    assert app.post_json(f"{NOTICES}/{mine.pk}/read").status_code == 200
