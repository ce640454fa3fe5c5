"""Referrals over the API: the list each side sees (the receiving organisation's members, the
group's lead, the region's coordinator; nobody else), with the answer's deadline; the
organisation's answer through the page's form and service (declined with a reason, an interview),
refused for everyone else with nothing changed; constant queries for the list."""

import pytest

from partners.models import Referral, ReferralStep
from tests import factories
from tests.api.conftest import TokenClient, counted_queries, login_token
from tests.messaging.referral_world import build_referral_world, refer
from tests.partners import factories as partner_factories

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/referrals"


@pytest.fixture
def world(regions, reference_data):
    world = build_referral_world(regions)
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    return world


def app_of(world, who):
    return TokenClient(login_token(getattr(world, who).email))


def answer_url(referral):
    return f"{REFERRALS}/{referral.pk}/answer"


@pytest.mark.parametrize("who", ["owner", "member", "lead", "coordinator"])
def test_each_side_sees_the_referral_with_its_deadline(world, who):
    body = app_of(world, who).get(REFERRALS).json()
    assert body["count"] == 1
    row = body["items"][0]
    referral = world.referral
    assert (row["id"], row["group"], row["status"], row["status_label"]) == (
        referral.pk,
        world.group.code,
        "referred",
        "已转介",
    )
    assert row["posting_kind"] == "job" and row["posting"] == world.job.title
    assert row["respond_by"] is not None
    assert row["shared"]["skills"] == ["职业技能培训"]


@pytest.mark.parametrize(
    "who", ["other_partner", "group_volunteer", "learner", "social_worker", "outsider"]
)
def test_nobody_else_sees_it(world, who):
    assert app_of(world, who).get(REFERRALS).json() == {"count": 0, "items": []}


def test_anonymous_gets_401_and_changes_nothing(world):
    assert TokenClient().get(REFERRALS).status_code == 401
    response = TokenClient().post_json(answer_url(world.referral), {"status": "declined"})
    assert response.status_code == 401
    world.referral.refresh_from_db()
    assert world.referral.status == "referred"


def test_a_member_declines_with_a_reason(world):
    response = app_of(world, "member").post_json(
        answer_url(world.referral), {"status": "declined", "note": "岗位已招满"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_label"]) == ("declined", "已拒绝")
    assert body["respond_by"] is None
    step = ReferralStep.objects.filter(referral=world.referral).latest("id")
    assert (step.status, step.note, step.actor) == ("declined", "岗位已招满", world.member)


def test_the_owner_invites_to_an_interview(world):
    response = app_of(world, "owner").post_json(answer_url(world.referral), {"status": "interview"})
    assert response.status_code == 200
    world.referral.refresh_from_db()
    assert world.referral.status == "interview" and world.referral.responded_at is not None


@pytest.mark.parametrize(
    "who", ["lead", "coordinator", "other_partner", "social_worker", "learner", "outsider"]
)
def test_only_the_organisation_answers(world, who):
    response = app_of(world, who).post_json(
        answer_url(world.referral), {"status": "declined", "note": "不合适"}
    )
    assert response.status_code == 404
    world.referral.refresh_from_db()
    assert world.referral.status == "referred"
    assert not ReferralStep.objects.filter(status="declined").exists()


@pytest.mark.parametrize("status", ["hired", "withdrawn", "viewed", "录用"])
def test_a_step_the_page_does_not_offer_is_400_and_nothing_changes(world, status):
    response = app_of(world, "member").post_json(answer_url(world.referral), {"status": status})
    assert response.status_code == 400
    body = response.json()
    assert "status" in body["errors"] and "选择" in body["detail"]
    world.referral.refresh_from_db()
    assert world.referral.status == "referred"


def test_a_declined_referral_takes_no_more_answers(world):
    app = app_of(world, "member")
    assert app.post_json(answer_url(world.referral), {"status": "declined"}).status_code == 200
    again = app.post_json(answer_url(world.referral), {"status": "interview"})
    assert again.status_code == 400
    world.referral.refresh_from_db()
    assert world.referral.status == "declined"


@pytest.mark.parametrize(
    "payload", [{}, {"status": "declined", "note": "长" * 301}, {"status": None}]
)
def test_malformed_input_is_422_and_nothing_changes(world, payload):
    response = app_of(world, "member").post_json(answer_url(world.referral), payload)
    assert response.status_code == 422
    assert response.json()["detail"] == "您提交的内容有误。"
    world.referral.refresh_from_db()
    assert world.referral.status == "referred"


def test_an_unknown_referral_is_404(world):
    response = app_of(world, "member").post_json(
        f"{REFERRALS}/999999/answer", {"status": "declined"}
    )
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_1_and_5_referrals(world):
    app = app_of(world, "member")
    small = counted_queries(lambda: app.get(REFERRALS))
    for n in range(4):
        refer(world, partner_factories.job(world.organisation, world.owner, title=f"岗位{n}"))
    larger = counted_queries(lambda: app.get(REFERRALS))
    assert larger == small
    assert app.get(REFERRALS).json()["count"] == Referral.objects.count() == 5
