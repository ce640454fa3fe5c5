"""The matching pages: who may see and act (everyone else gets 404, anonymous the login page),
what bad input answers, and that each page runs a fixed number of queries."""

import random
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groups import services as group_services
from groups.models import MatchDecline, Membership
from groups.scale import create_groups
from messaging.models import Notification
from partners.models import Referral
from partners.scale import create_jobs, create_programmes
from portal.models import AccountKind, AuditEvent
from tests import factories
from tests.groups.conftest import group_data
from tests.matching.test_matching_accept import MATCH_ACTIONS, build_world
from volunteers.scale import create_people

ALLOWED, HIDDEN, LOGIN = 200, 404, 302
GROUP_PAGE_MATRIX = {
    "coordinator": ALLOWED,
    "city_coordinator": ALLOWED,
    "lead": ALLOWED,
    "social_worker": HIDDEN,
    "volunteer": HIDDEN,
    "partner": HIDDEN,
    "learner": HIDDEN,
    "outsider": HIDDEN,
    "other_coordinator": HIDDEN,
    "county_next_door": HIDDEN,
    "anonymous": LOGIN,
}
# Measured on both sizes: 19 for the suggestions page (one more when the people's shortlist
# does not settle its lists), 22-23 for the region view, 16 for the proposal
# (session, user, roles and menu; access; the engine's fixed reads). A little room for
# the menu and the engine, none for a query per row (150 volunteers and 150 groups at the
# larger size).
QUERY_CAP = 25
REGION_PAGE_MATRIX = {
    "coordinator": ALLOWED,
    "city_coordinator": ALLOWED,
    "other_coordinator": ALLOWED,  # coordinates a region, sees only its own groups
    "lead": HIDDEN,
    "volunteer": HIDDEN,
    "partner": HIDDEN,
    "learner": HIDDEN,
    "outsider": HIDDEN,
    "anonymous": LOGIN,
}


@pytest.fixture
def world(regions, reference_data):
    world = build_world(regions)
    world.county_next_door = factories.coordinator(regions["440104"])  # 越秀区, same city
    return world


def url(name, world):
    """A page of the world's group: matching's by default, e.g. "suggestions"."""
    return reverse(name if ":" in name else f"matching:{name}", args=[world.group.code])


def card(candidate_id, kind="volunteer") -> str:
    return f'data-kind="{kind}" data-id="{candidate_id}"'


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def assert_nothing_changed(world, members_before):
    assert world.group.memberships.count() == members_before
    assert not MatchDecline.objects.exists()
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__in=MATCH_ACTIONS).exists()
    assert not Notification.objects.filter(kind="match.accepted").exists()


@pytest.mark.parametrize(("person", "status"), GROUP_PAGE_MATRIX.items())
def test_who_may_see_a_groups_suggestions(world, client_for, person, status):
    response = client_for(getattr(world, person)).get(url("suggestions", world))
    assert response.status_code == status
    if status == LOGIN:
        assert response["Location"].startswith(reverse("account_login"))
    html = response.content.decode()
    assert ("陈律师" in html) == (status == ALLOWED)


@pytest.mark.parametrize(("person", "status"), GROUP_PAGE_MATRIX.items())
def test_who_may_accept_or_decline(world, client_for, person, status):
    client = client_for(getattr(world, person))
    before = world.group.memberships.count()
    accept = client.post(
        url("suggestion_accept", world), {"kind": "volunteer", "candidate_id": world.candidate.pk}
    )
    decline = client.post(
        url("suggestion_decline", world),
        {
            "kind": "social_worker",
            "candidate_id": world.candidate_social_worker.pk,
            "reason": "不合适",
        },
    )
    if status == ALLOWED:
        assert accept.status_code == decline.status_code == 302
        assert world.group.memberships.filter(user=world.candidate).exists()
        assert MatchDecline.objects.filter(candidate_id=world.candidate_social_worker.pk).exists()
    else:
        assert accept.status_code == decline.status_code == status
        assert_nothing_changed(world, before)


@pytest.mark.parametrize(("person", "status"), REGION_PAGE_MATRIX.items())
@pytest.mark.parametrize("page", ["region", "proposal"])
def test_who_may_open_the_region_pages(world, client_for, person, page, status):
    response = client_for(getattr(world, person)).get(reverse(f"matching:{page}"))
    assert response.status_code == status
    if status == ALLOWED:
        listed = world.group.code in response.content.decode()
        assert listed == (person in ("coordinator", "city_coordinator"))


def test_the_suggestions_page_explains_each_suggestion(world, client_for):
    response = client_for(world.coordinator).get(url("suggestions", world))
    html = response.content.decode()
    for text in ("陈律师", "赵社工", "数控车床操作工", "同一司法所", "接受", "婉拒"):
        assert text in html, text
    assert 'name="csrfmiddlewaretoken"' in html
    # The coordinator and the lead may both refer the group to an offer.
    assert 'class="accept"' in job_card(html, world.job.pk)
    lead_html = client_for(world.lead).get(url("suggestions", world)).content.decode()
    assert 'class="accept"' in job_card(lead_html, world.job.pk)


def job_card(html, job_id) -> str:
    after = html.split(card(job_id, kind="job"), 1)[1]
    return re.split(r'</ol>|class="card suggestion"', after, maxsplit=1)[0]


def test_accepts_and_declines_show_in_the_groups_timeline(world, client_for):
    client = client_for(world.coordinator)
    client.post(
        url("suggestion_accept", world), {"kind": "volunteer", "candidate_id": world.candidate.pk}
    )
    client.post(
        url("suggestion_decline", world),
        {"kind": "job", "candidate_id": world.job.pk, "reason": "工作地点离家太远"},
    )
    timeline = client.get(url("groups:detail", world)).context["timeline"]
    labels = [str(event.label) for event in timeline]
    assert "接受了一项推荐" in labels and "婉拒了一项推荐" in labels


def test_the_group_page_links_to_suggestions_for_coordinators_and_the_lead(world, client_for):
    link = f'href="{url("suggestions", world)}"'
    for person, shown in (("coordinator", True), ("lead", True), ("social_worker", False),
                          ("volunteer", False)):  # fmt: skip
        html = client_for(getattr(world, person)).get(url("groups:detail", world)).content.decode()
        assert (link in html) == shown, person


def test_the_group_list_links_to_the_region_view(world, client_for):
    html = client_for(world.coordinator).get(reverse("groups:list")).content.decode()
    assert f'href="{reverse("matching:region")}"' in html


def test_accepting_through_the_page_says_so_and_tells_the_volunteer(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(
        url("suggestion_accept", world), {"kind": "volunteer", "candidate_id": world.candidate.pk}
    )
    assert response.status_code == 302 and response["Location"] == url("suggestions", world)
    assert "陈律师" in flashed(response)
    assert Notification.objects.filter(user=world.candidate, kind="match.accepted").count() == 1
    page = client.get(url("suggestions", world)).content.decode()
    assert card(world.candidate.pk) not in page


def test_the_lead_refers_the_group_to_a_job_through_the_page(world, client_for):
    response = client_for(world.lead).post(
        url("suggestion_accept", world), {"kind": "job", "candidate_id": world.job.pk}
    )
    assert response.status_code == 302 and "数控车床操作工" in flashed(response)
    assert Referral.objects.get().job == world.job


def test_a_job_the_person_has_not_consented_to_is_refused_with_the_reason(world, client_for):
    from partners.models import Consent

    Consent.objects.filter(group=world.group).delete()  # nothing signed
    response = client_for(world.lead).post(
        url("suggestion_accept", world), {"kind": "job", "candidate_id": world.job.pk}
    )
    assert response.status_code == 302
    assert "尚未同意" in flashed(response) and world.organisation.name in flashed(response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("view", "data", "expected"),
    [
        ("suggestion_decline", {"kind": "volunteer", "candidate_id": "", "reason": "x"}, "候选"),
        ("suggestion_decline", {"kind": "volunteer", "reason": ""}, "原因"),
        ("suggestion_accept", {"kind": "teacher", "candidate_id": "1"}, "类型"),
        ("suggestion_accept", {"kind": "volunteer", "candidate_id": "abc"}, "候选"),
        ("suggestion_accept", {"kind": "volunteer", "candidate_id": "987654"}, "不存在"),
        ("suggestion_decline", {"kind": "job", "candidate_id": "987654", "reason": "x"}, "不存在"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(world, client_for, view, data, expected):
    if view == "suggestion_decline" and "candidate_id" not in data:
        data = {**data, "candidate_id": world.candidate.pk}
    before = world.group.memberships.count()
    response = client_for(world.coordinator).post(url(view, world), data)
    assert response.status_code == 302 and response["Location"] == url("suggestions", world)
    assert expected in flashed(response)
    assert_nothing_changed(world, before)


def test_accepting_a_suggestion_that_became_invalid_is_explained(world, client_for, regions):
    other = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    group_services.member_add(
        group=other, user=world.candidate, role="volunteer", added_by=world.coordinator
    )
    before = world.group.memberships.count()
    response = client_for(world.coordinator).post(
        url("suggestion_accept", world), {"kind": "volunteer", "candidate_id": world.candidate.pk}
    )
    assert "该建议已无法接受" in flashed(response)
    assert_nothing_changed(world, before)


def test_a_closed_group_shows_no_suggestions_and_takes_nobody(world, client_for):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    client = client_for(world.coordinator)
    html = client.get(url("suggestions", world)).content.decode()
    assert 'id="no-suggestions"' in html and "陈律师" not in html
    before = world.group.memberships.count()
    response = client.post(
        url("suggestion_accept", world), {"kind": "volunteer", "candidate_id": world.candidate.pk}
    )
    assert "已结案" in flashed(response)
    assert_nothing_changed(world, before)


def test_a_group_without_needs_says_there_is_nothing_to_match(world, client_for):
    world.group.group_needs.all().delete()
    html = client_for(world.coordinator).get(url("suggestions", world)).content.decode()
    assert 'id="no-suggestions"' in html and "陈律师" not in html


@pytest.mark.parametrize("view", ["suggestion_accept", "suggestion_decline"])
def test_opening_a_button_address_explains_and_changes_nothing(world, client_for, view):
    before = world.group.memberships.count()
    response = client_for(world.coordinator).get(
        url(view, world) + f"?kind=volunteer&candidate_id={world.candidate.pk}&reason=x"
    )
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "没有任何改动" in response.content.decode()
    assert_nothing_changed(world, before)
    # Someone who may not see the group still gets 404, not a hint that it exists.
    assert client_for(world.volunteer).get(url(view, world)).status_code == 404


def test_the_proposal_shows_its_gain_over_greedy_and_accepts_only_the_ticked_rows(
    world, client_for, regions
):
    second = group_services.group_create(
        data=group_data(regions, needs={"legal_aid": 1}), created_by=world.coordinator
    )
    client = client_for(world.coordinator)
    response = client.get(reverse("matching:proposal"))
    proposal = response.context["proposal"]
    people = {world.candidate.pk, world.candidate_social_worker.pk}
    assert {g for g, _s in proposal.rows} == {world.group, second}
    assert all(s.id in people and s.reasons for _g, s in proposal.rows)
    assert proposal.total >= proposal.greedy_total > 0
    assert response.context["gain"] == round(proposal.total - proposal.greedy_total, 2)
    html = response.content.decode()
    assert f'id="total">{proposal.total}<' in html and 'id="greedy-total"' in html
    assert html.count('name="row"') == 2 and "同一司法所" in html

    group, chosen = next((g, s) for g, s in proposal.rows if g == second)
    response = client.post(
        reverse("matching:proposal"), {"row": [f"{second.pk}:{chosen.kind}:{chosen.id}"]}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [(a.group, a.candidate_id) for a in result.accepted] == [(second, chosen.id)]
    assert result.refused == []
    assert second.memberships.filter(user_id=chosen.id, left_at__isnull=True).exists()
    assert not world.group.memberships.filter(user_id__in=people).exists()  # not ticked
    assert AuditEvent.objects.filter(action="group.suggestion_accepted").count() == 1


def test_the_proposal_refuses_rows_outside_the_coordinators_region(world, client_for, regions):
    before = world.group.memberships.count()
    row = f"{world.group.pk}:volunteer:{world.candidate.pk}"
    response = client_for(world.other_coordinator).post(
        reverse("matching:proposal"), {"row": [row]}
    )
    assert response.status_code == 200 and "没有接受任何" in flashed(response)
    response = client_for(world.coordinator).post(reverse("matching:proposal"), {})
    assert "至少" in flashed(response)
    response = client_for(world.coordinator).post(
        reverse("matching:proposal"), {"row": ["1:volunteer"]}
    )
    assert "没有接受任何" in flashed(response)
    assert_nothing_changed(world, before)


def test_a_proposal_for_a_county_outside_the_region_is_404(world, client_for):
    response = client_for(world.coordinator).get(reverse("matching:proposal") + "?region=510107")
    assert response.status_code == 404
    response = client_for(world.coordinator).get(reverse("matching:proposal") + "?region=440106")
    assert response.status_code == 200 and response.context["region"].code == "440106"


def grow(world, regions, size):
    """Many more candidates and groups in the same county: pages must not query per row."""
    rng = random.Random(size)
    around = [regions["440106"], regions["440106005"], regions["440106006"]]
    create_people(size, kind=AccountKind.VOLUNTEER, rng=rng, regions=around)
    create_people(size // 5, kind=AccountKind.SOCIAL_WORKER, rng=rng, regions=around)
    create_jobs(size // 5, rng=rng, organisations=[world.organisation])
    create_programmes(size // 10, rng=rng, organisations=[world.organisation])
    create_groups(size, rng=rng, offices=[regions["440106005"], regions["440106006"]])


@pytest.mark.parametrize("size", [0, 150])
def test_the_suggestions_page_runs_a_fixed_number_of_queries(
    world, regions, client_for, size, django_assert_max_num_queries
):
    grow(world, regions, size)
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(QUERY_CAP):
        response = client.get(url("suggestions", world))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [0, 150])
@pytest.mark.parametrize("page", ["region", "proposal"])
def test_the_region_pages_run_a_fixed_number_of_queries(
    world, regions, client_for, page, size, django_assert_max_num_queries
):
    grow(world, regions, size)
    client = client_for(world.coordinator)
    with django_assert_max_num_queries(QUERY_CAP):
        response = client.get(reverse(f"matching:{page}"))
    assert response.status_code == 200


def test_a_member_added_by_hand_is_not_suggested(world, client_for):
    group_services.member_add(
        group=world.group, user=world.candidate, role="volunteer", added_by=world.coordinator
    )
    html = client_for(world.coordinator).get(url("suggestions", world)).content.decode()
    assert card(world.candidate.pk) not in html
    assert Membership.objects.filter(user=world.candidate).count() == 1
