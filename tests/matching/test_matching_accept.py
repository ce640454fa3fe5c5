"""Accepting and declining suggestions (matching.services): a volunteer joins and is told,
a job gets a referral through the partners' service, a decline is remembered with its reason;
and every suggestion that has become invalid is refused in words, changing nothing."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from groups import services as group_services
from groups.models import MatchDecline, Membership
from matching import services, suggest
from messaging.models import Notification
from partners import services as partner_services
from partners.models import Consent, Programme, Referral
from portal.models import AccountKind, AuditEvent
from tests import factories
from tests.groups.conftest import group_data
from tests.partners import factories as partner_factories
from tests.volunteers.factories import profile
from volunteers.models import VolunteerProfile

MATCH_ACTIONS = ("group.suggestion_accepted", "group.suggestion_declined")


def build_world(regions):
    """A group in 石牌街司法所 (needs: employment, legal aid) with a member of every kind, and
    candidates who fit it: a volunteer lawyer of the same office with room for one group, a
    social worker of the county, and an open job and programme of a verified enterprise."""
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    members = {
        role: group_services.member_add(
            group=group, user=user, role=role, added_by=coordinator
        ).user
        for role, user in (
            (Membership.Role.SOCIAL_WORKER, factories.vetted(factories.SocialWorkerFactory())),
            (Membership.Role.VOLUNTEER, factories.vetted(factories.VolunteerFactory())),
            (
                Membership.Role.ENTERPRISE_CONTACT,
                factories.contact(factories.PartnerMemberFactory()),
            ),
        )
    }
    learner = group_services.learner_account_create(
        group=group, display_name="学员甲", created_by=coordinator
    ).user
    volunteer = profile(
        factories.VolunteerFactory(display_name="陈律师"),
        regions=("440106005",),
        skills=("legal_aid",),
    )
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(max_groups=1)
    social_worker = profile(
        factories.SocialWorkerFactory(display_name="赵社工"),
        regions=("440106",),
        skills=("employment_guidance",),
    )
    owner = factories.PartnerMemberFactory(display_name="黄经理")
    organisation = partner_factories.organisation(owner, verifier=coordinator)
    job = partner_factories.job(organisation, owner, positions=1)
    programme = partner_factories.programme(
        organisation, owner, kind=Programme.Kind.LEGAL_AID, title="社区法律援助课堂"
    )
    # The person signed consent to referrals to the enterprise, for jobs and programmes.
    for purpose in Consent.Purpose.values:
        partner_factories.consent(group, organisation, lead, purpose=purpose)
    return SimpleNamespace(
        group=group,
        coordinator=coordinator,
        city_coordinator=factories.coordinator(regions["440100"]),
        other_coordinator=factories.coordinator(regions["510107"]),
        lead=lead,
        social_worker=members[Membership.Role.SOCIAL_WORKER],
        volunteer=members[Membership.Role.VOLUNTEER],
        partner=members[Membership.Role.ENTERPRISE_CONTACT],
        learner=learner,
        outsider=factories.VolunteerFactory(display_name="局外人"),
        anonymous=None,
        candidate=volunteer.user,
        candidate_profile=volunteer,
        candidate_social_worker=social_worker.user,
        owner=owner,
        organisation=organisation,
        job=job,
        programme=programme,
    )


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def second_group(world, regions):
    return group_services.group_create(data=group_data(regions), created_by=world.coordinator)


def nothing_written(world, *, before_members):
    assert world.group.memberships.count() == before_members
    assert not Referral.objects.exists()
    assert not MatchDecline.objects.exists()
    assert not AuditEvent.objects.filter(action__in=MATCH_ACTIONS).exists()
    assert not Notification.objects.filter(kind="match.accepted").exists()


def test_the_fitting_candidates_are_suggested_with_reasons(world):
    found = suggest.suggestions_for_group(world.group)
    assert set(found) >= {"social_worker", "volunteer", "job", "programme"}
    volunteer = next(s for s in found["volunteer"] if s.id == world.candidate.pk)
    assert volunteer.label and volunteer.score > 0 and volunteer.reasons
    assert "同一司法所" in volunteer.reasons
    assert world.job.pk in [s.id for s in found["job"]]


def test_being_suggested_tells_the_candidate_nothing(world):
    suggest.suggestions_for_group(world.group)
    assert not Notification.objects.filter(user=world.candidate).exists()


def test_accepting_a_volunteer_adds_them_tells_them_and_is_audited(world):
    accepted = services.suggestion_accept(
        actor=world.coordinator,
        group=world.group,
        kind="volunteer",
        candidate_id=world.candidate.pk,
    )
    membership = world.group.memberships.get(user=world.candidate, left_at__isnull=True)
    assert membership.role == Membership.Role.VOLUNTEER and membership.added_by == world.coordinator
    assert accepted.membership == membership and accepted.label == "陈律师"
    notice = Notification.objects.get(user=world.candidate, kind="match.accepted")
    assert world.group.code in notice.title and notice.url == f"/groups/{world.group.code}/"
    audit = AuditEvent.objects.get(action="group.suggestion_accepted")
    assert audit.actor == world.coordinator and audit.object_id == str(world.group.pk)
    assert audit.data == {"kind": "volunteer", "candidate": world.candidate.pk}
    assert AuditEvent.objects.filter(action="group.member_added", actor=world.coordinator).exists()
    # Accepted people are not suggested again.
    again = suggest.suggestions_for_group(world.group)["volunteer"]
    assert world.candidate.pk not in [s.id for s in again]


def test_accepting_a_social_worker_adds_them_as_social_worker(world):
    services.suggestion_accept(
        actor=world.lead,
        group=world.group,
        kind="social_worker",
        candidate_id=world.candidate_social_worker.pk,
    )
    membership = world.group.memberships.get(user=world.candidate_social_worker)
    assert membership.role == Membership.Role.SOCIAL_WORKER


def test_the_lead_accepting_a_job_refers_the_group_through_the_partners_service(world):
    accepted = services.suggestion_accept(
        actor=world.lead, group=world.group, kind="job", candidate_id=world.job.pk
    )
    referral = Referral.objects.get()
    assert accepted.referral == referral
    assert (referral.group, referral.job, referral.referred_by) == (
        world.group,
        world.job,
        world.lead,
    )
    assert referral.shared == {}  # nothing about the person is shared without the lead's choice
    # The organisation hears of it through the referral service; nobody hears twice.
    assert Notification.objects.filter(user=world.owner, kind="referral.new").count() == 1
    assert AuditEvent.objects.filter(action="referral.referred").count() == 1
    assert AuditEvent.objects.filter(action="group.suggestion_accepted").count() == 1
    assert world.job.pk not in [s.id for s in suggest.suggestions_for_group(world.group)["job"]]


def test_the_lead_accepting_a_programme_refers_the_group(world):
    services.suggestion_accept(
        actor=world.lead, group=world.group, kind="programme", candidate_id=world.programme.pk
    )
    assert Referral.objects.get().programme == world.programme


def test_accepting_a_job_without_the_persons_consent_is_refused_in_words(world):
    partner_services.consent_withdraw(
        consent=Consent.objects.get(group=world.group, purpose=Consent.Purpose.JOBS),
        withdrawn_by=world.lead,
    )
    before = world.group.memberships.count()
    with pytest.raises(ValidationError) as refused:
        services.suggestion_accept(
            actor=world.lead, group=world.group, kind="job", candidate_id=world.job.pk
        )
    message = " ".join(refused.value.messages)
    assert "尚未同意" in message and world.organisation.name in message
    nothing_written(world, before_members=before)


def test_a_coordinator_of_the_region_accepting_a_job_refers_the_group(world):
    services.suggestion_accept(
        actor=world.coordinator, group=world.group, kind="job", candidate_id=world.job.pk
    )
    referral = Referral.objects.get()
    assert referral.job == world.job and referral.referred_by == world.coordinator


def test_a_volunteer_whose_capacity_filled_since_is_refused_and_nothing_changes(world, regions):
    other = second_group(world, regions)
    group_services.member_add(
        group=other, user=world.candidate, role="volunteer", added_by=world.coordinator
    )
    before = world.group.memberships.count()
    with pytest.raises(ValidationError) as refused:
        services.suggestion_accept(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
        )
    assert refused.value.messages[0].startswith("该建议已无法接受")
    nothing_written(world, before_members=before)


def test_a_suspended_volunteer_is_refused(world):
    VolunteerProfile.objects.filter(pk=world.candidate_profile.pk).update(
        status=VolunteerProfile.Status.SUSPENDED
    )
    before = world.group.memberships.count()
    with pytest.raises(ValidationError) as refused:
        services.suggestion_accept(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
        )
    assert refused.value.messages[0].startswith("该建议已无法接受")
    nothing_written(world, before_members=before)


def test_a_posting_closed_since_is_refused(world):
    partner_services.posting_set_status(posting=world.job, status="closed", changed_by=world.owner)
    before = world.group.memberships.count()
    with pytest.raises(ValidationError):
        services.suggestion_accept(
            actor=world.lead, group=world.group, kind="job", candidate_id=world.job.pk
        )
    nothing_written(world, before_members=before)


def test_a_closed_group_takes_nobody(world):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    before = world.group.memberships.count()
    with pytest.raises(ValidationError) as refused:
        services.suggestion_accept(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
        )
    assert "已结案" in refused.value.messages[0]
    nothing_written(world, before_members=before)


@pytest.mark.parametrize(
    ("kind", "candidate"),
    [("teacher", "candidate"), ("volunteer", None), ("job", None), ("volunteer", "owner")],
)
def test_an_unknown_kind_or_candidate_is_refused(world, kind, candidate):
    candidate_id = getattr(world, candidate).pk if candidate else 987654
    before = world.group.memberships.count()
    with pytest.raises(ValidationError):
        services.suggestion_accept(
            actor=world.coordinator, group=world.group, kind=kind, candidate_id=candidate_id
        )
    with pytest.raises(ValidationError):
        services.suggestion_decline(
            actor=world.coordinator,
            group=world.group,
            kind=kind,
            candidate_id=candidate_id,
            reason="不合适",
        )
    nothing_written(world, before_members=before)


def test_declining_remembers_the_reason_and_never_suggests_again(world):
    decline = services.suggestion_decline(
        actor=world.coordinator,
        group=world.group,
        kind="volunteer",
        candidate_id=world.candidate.pk,
        reason="  与矫正对象住在同一小区，回避  ",
    )
    assert (decline.reason, decline.declined_by) == (
        "与矫正对象住在同一小区，回避",
        world.coordinator,
    )
    audit = AuditEvent.objects.get(action="group.suggestion_declined")
    assert audit.data["reason"] == "与矫正对象住在同一小区，回避"
    assert world.candidate.pk not in [
        s.id for s in suggest.suggestions_for_group(world.group)["volunteer"]
    ]
    assert not Notification.objects.filter(user=world.candidate).exists()
    with pytest.raises(ValidationError):
        services.suggestion_decline(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
            reason="再次",
        )
    assert MatchDecline.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "太" * 301])
def test_a_decline_needs_a_reason_of_sensible_length(world, reason):
    before = world.group.memberships.count()
    with pytest.raises(ValidationError) as refused:
        services.suggestion_decline(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
            reason=reason,
        )
    assert "reason" in refused.value.error_dict
    nothing_written(world, before_members=before)


def test_a_declined_candidate_cannot_be_accepted_afterwards(world):
    services.suggestion_decline(
        actor=world.coordinator,
        group=world.group,
        kind="volunteer",
        candidate_id=world.candidate.pk,
        reason="时间冲突",
    )
    with pytest.raises(ValidationError):
        services.suggestion_accept(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.candidate.pk,
        )
    assert not world.group.memberships.filter(user=world.candidate).exists()


def test_a_proposal_accepts_the_valid_rows_and_reports_the_others(world, regions):
    other = second_group(world, regions)
    rows = [
        (world.group, "volunteer", world.candidate.pk),
        # The same volunteer has room for one group only: the second row must be refused.
        (other, "volunteer", world.candidate.pk),
        (other, "social_worker", world.candidate_social_worker.pk),
    ]
    result = services.proposal_accept(actor=world.coordinator, rows=rows)
    assert [(a.group, a.candidate_id) for a in result.accepted] == [
        (world.group, world.candidate.pk),
        (other, world.candidate_social_worker.pk),
    ]
    assert [(r.group, r.candidate_id) for r in result.refused] == [(other, world.candidate.pk)]
    assert result.refused[0].reason
    active = Membership.objects.filter(user=world.candidate, left_at__isnull=True)
    assert active.count() == 1  # capacity never exceeded
    assert AuditEvent.objects.filter(action="group.suggestion_accepted").count() == 2


def test_a_person_who_is_not_a_candidate_kind_is_refused(world):
    """A partner's account id offered as a volunteer: refused, not added in a wrong role."""
    assert world.owner.kind == AccountKind.PARTNER
    with pytest.raises(ValidationError):
        services.suggestion_accept(
            actor=world.coordinator,
            group=world.group,
            kind="volunteer",
            candidate_id=world.owner.pk,
        )
