"""The mobile client's view of the portal: a token from allauth's headless login, and a caller
for each role (volunteer, social worker, lead, coordinator, partner member, learner, anonymous)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from groups import services as group_services
from groups.models import Membership
from tests import factories
from tests.groups.conftest import group_data

LOGIN = "/_allauth/app/v1/auth/login"


def login_token(email: str, password: str = factories.PASSWORD) -> str:
    """A session token the way the app gets one: the headless login endpoint."""
    response = Client().post(
        LOGIN, {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class TokenClient(Client):
    """A test client that sends the app's token on every request (no cookies ever set)."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if token:
            self.defaults["HTTP_X_SESSION_TOKEN"] = token

    def post_json(self, path, data=None, **kwargs):
        return self.post(path, data or {}, content_type="application/json", **kwargs)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth limits logins per address (all tests come from 127.0.0.1); its counters live in
    the cache, which with REDIS_URL outlives a test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def token_client():
    """token_client(user) -> a client holding user's headless token (no token for None)."""

    def make(user):
        return TokenClient(login_token(user.email) if user is not None else None)

    return make


@pytest.fixture
def roles(regions, reference_data):
    """One person of every kind the API meets, around a group in 石牌街司法所 (天河区): the lead,
    a volunteer member, a partner member (enterprise contact) and a learner are in it; the social
    worker is vetted for 天河区 but in no group; the coordinator covers 天河区; the newcomer has
    an account and no approved profile."""
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="张组长"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    volunteer = factories.vetted(factories.VolunteerFactory(display_name="王志愿"))
    partner = factories.contact(factories.PartnerMemberFactory(display_name="陈经理"))
    for user, role in (
        (volunteer, Membership.Role.VOLUNTEER),
        (partner, Membership.Role.ENTERPRISE_CONTACT),
    ):
        group_services.member_add(group=group, user=user, role=role, added_by=coordinator)
    learner = group_services.learner_account_create(
        group=group, display_name="学员甲", created_by=coordinator
    ).user
    # The slip's random password, replaced so the app can sign in like everyone else here.
    learner.set_password(factories.PASSWORD)
    learner.save(update_fields=["password"])
    return SimpleNamespace(
        group=group,
        coordinator=coordinator,
        lead=lead,
        volunteer=volunteer,
        partner=partner,
        learner=learner,
        social_worker=factories.vetted(factories.SocialWorkerFactory(display_name="李社工")),
        newcomer=factories.VolunteerFactory(display_name="赵新人"),
        anonymous=None,
    )


def publish(coordinator, region, *, starts_in=timedelta(days=3), hours=2, capacity=10, title=None):
    """An activity published through the coordinator's own service, starting `starts_in` from
    now."""
    from volunteers.services import activity_create
    from volunteers.services.activities import ActivityData

    starts = timezone.now() + starts_in
    return activity_create(
        data=ActivityData(
            title=title or "社区普法宣传",
            region=region,
            place="石牌街道文化站",
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            capacity=capacity,
            description="向居民讲解常见法律问题。",
        ),
        created_by=coordinator,
    )


def counted_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)
