"""The supervised person's consent to referrals (PIPL art. 29): a referral needs a live consent
for the organisation and purpose; the lead or a coordinator records it from the signed form and
records its withdrawal, which withdraws the referrals and ends the organisation's access to the
group at once. The world of tests/partners/conftest.py holds consents for both purposes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from groups import services as group_services
from groups.models import Membership
from messaging.models import Notification
from partners import services
from partners.models import Consent, Referral, ReferralStep
from portal.models import AuditEvent
from tests import factories
from tests.groups.conftest import group_data
from tests.partners import factories as pf

ALLOWED, HIDDEN, LOGIN = 200, 404, 302


def refused(**kwargs) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.referral_create(shared={}, **kwargs)
    return " ".join(caught.value.messages)


@pytest.fixture
def bare_group(world, regions):
    """A second group of the same lead, whose person has signed nothing yet."""
    group = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    group_services.lead_hand_over(
        group=group, new_lead=world.lead, handed_over_by=world.coordinator
    )
    return group


@pytest.fixture
def in_group(world):
    """The enterprise's member is the group's contact; a vetted volunteer is a member too."""
    group_services.member_add(
        group=world.group,
        user=world.member,
        role=Membership.Role.ENTERPRISE_CONTACT,
        added_by=world.coordinator,
    )
    if not hasattr(world.volunteer, "volunteer_profile"):
        factories.vetted(world.volunteer)
    group_services.member_add(
        group=world.group,
        user=world.volunteer,
        role=Membership.Role.VOLUNTEER,
        added_by=world.coordinator,
    )
    return world


def withdraw(consent, by):
    return services.consent_withdraw(consent=consent, withdrawn_by=by)


# --- a referral needs consent -------------------------------------------------------------------


def test_a_referral_without_consent_is_refused_naming_the_organisation(world, bare_group):
    message = refused(group=bare_group, posting=world.job, referred_by=world.lead)
    assert "尚未同意" in message and world.organisation.name in message and "就业推荐" in message
    assert not Referral.objects.exists()


def test_consent_covers_its_purpose_only(world, bare_group):
    pf.consent(bare_group, world.organisation, world.lead, purpose=Consent.Purpose.PROGRAMMES)
    assert "就业推荐" in refused(group=bare_group, posting=world.job, referred_by=world.lead)
    programme = pf.programme(world.organisation, world.owner)
    referral = services.referral_create(
        group=bare_group, posting=programme, shared={}, referred_by=world.lead
    )
    assert referral.consent.purpose == Consent.Purpose.PROGRAMMES


def test_consent_for_another_organisation_does_not_count(world, bare_group, regions):
    other = pf.organisation(factories.PartnerMemberFactory(), name="另一家公司")
    pf.consent(bare_group, other, world.lead)
    refused(group=bare_group, posting=world.job, referred_by=world.lead)


def test_the_referral_records_the_consent_it_was_made_under(world, referral):
    assert referral.consent == world.consents[Consent.Purpose.JOBS]


# --- recording ----------------------------------------------------------------------------------


def consents_url(world):
    return reverse("partners:consents", args=[world.group.code])


def test_the_lead_records_the_signed_consent_on_the_groups_page(world, bare_group, client_for):
    url = reverse("partners:consents", args=[bare_group.code])
    signed = timezone.localdate() - timedelta(days=2)
    page = client_for(world.lead).get(url, {"organisation": world.organisation.pk})
    assert page.context["form"].initial["organisation"] == world.organisation.pk
    response = client_for(world.lead).post(
        url,
        {
            "organisation": world.organisation.pk,
            "purpose": "jobs",
            "scope": "仅限就业推荐，可告知技能与工作经历。",
            "given_on": signed.isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(group=bare_group)
    assert (consent.organisation, consent.purpose, consent.given_on, consent.recorded_by) == (
        world.organisation,
        "jobs",
        signed,
        world.lead,
    )
    audit = AuditEvent.objects.get(action="group.consent_recorded", object_id=str(bare_group.pk))
    assert audit.actor == world.lead and audit.data["organisation"] == world.organisation.pk
    html = client_for(world.lead).get(url).content.decode()
    assert "仅限就业推荐" in html and "有效" in html
    group_page = client_for(world.coordinator).get(reverse("groups:detail", args=[bare_group.code]))
    assert "记录了矫正对象对转介的同意" in group_page.content.decode()
    # Now the referral goes through.
    services.referral_create(group=bare_group, posting=world.job, shared={}, referred_by=world.lead)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("given_on", "future", "不能晚于今天"),
        ("scope", "   ", "必需"),
        ("purpose", "marketing", "有效"),
    ],
)
def test_a_bad_consent_is_refused_in_words(world, bare_group, client_for, field, value, words):
    data = {
        "organisation": world.organisation.pk,
        "purpose": "jobs",
        "scope": "仅限就业推荐。",
        "given_on": timezone.localdate().isoformat(),
    }
    data[field] = (
        (timezone.localdate() + timedelta(days=1)).isoformat() if value == "future" else value
    )
    url = reverse("partners:consents", args=[bare_group.code])
    response = client_for(world.lead).post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert not Consent.objects.filter(group=bare_group).exists()


def test_one_live_consent_per_organisation_and_purpose(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        pf.consent(world.group, world.organisation, world.lead)
    assert "已" in " ".join(caught.value.messages)
    withdraw(world.consents["jobs"], world.lead)
    assert pf.consent(world.group, world.organisation, world.lead).is_live


# --- withdrawing --------------------------------------------------------------------------------


def test_withdrawing_withdraws_the_referral_and_erases_what_it_shared(in_group, referral):
    world = in_group
    withdraw(world.consents["jobs"], world.lead)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN and referral.shared == {}
    step = ReferralStep.objects.filter(referral=referral).last()
    assert step.status == "withdrawn" and step.actor == world.lead and "撤回" in step.note
    assert "尚未同意" in refused(group=world.group, posting=world.job, referred_by=world.lead)
    audit = AuditEvent.objects.get(action="group.consent_withdrawn")
    assert audit.data["referrals_withdrawn"] == [referral.pk]
    told = Notification.objects.filter(kind="consent.withdrawn")
    assert set(told.values_list("user_id", flat=True)) == {world.owner.pk, world.member.pk}


def test_withdrawing_the_last_consent_ends_the_organisations_access_at_once(
    in_group, referral, client_for
):
    world = in_group
    group_url = reverse("groups:detail", args=[world.group.code])
    assert client_for(world.member).get(group_url).status_code == ALLOWED
    withdraw(world.consents["jobs"], world.lead)
    # The programmes consent still stands: the contact stays for now.
    assert client_for(world.member).get(group_url).status_code == ALLOWED
    withdraw(world.consents["programmes"], world.coordinator)
    assert client_for(world.member).get(group_url).status_code == HIDDEN
    place = Membership.objects.get(group=world.group, user=world.member)
    assert place.left_at is not None  # kept as history
    assert AuditEvent.objects.filter(action="group.member_removed", actor=world.coordinator)
    # Nobody else lost their place.
    assert client_for(world.volunteer).get(group_url).status_code == ALLOWED
    assert client_for(world.lead).get(group_url).status_code == ALLOWED


def test_a_consent_is_withdrawn_once(world):
    withdraw(world.consents["jobs"], world.lead)
    with pytest.raises(ValidationError):
        withdraw(world.consents["jobs"], world.lead)


def test_the_lead_withdraws_through_the_page(in_group, referral, client_for):
    world = in_group
    consent = world.consents["jobs"]
    url = reverse("partners:consent_withdraw", args=[world.group.code, consent.pk])
    assert world.organisation.name in client_for(world.lead).get(url).content.decode()
    response = client_for(world.lead).post(url)
    assert response.status_code == 302
    consent.refresh_from_db()
    assert not consent.is_live and consent.withdrawn_by == world.lead
    html = client_for(world.lead).get(consents_url(world)).content.decode()
    assert "撤回于" in html


# --- who may ------------------------------------------------------------------------------------

PEOPLE = {
    "lead": ALLOWED,
    "coordinator": ALLOWED,
    "volunteer": HIDDEN,  # a member of the group
    "member": HIDDEN,  # the enterprise's contact in the group
    "outsider": HIDDEN,
    "other_coordinator": HIDDEN,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("person", "status"), PEOPLE.items())
def test_who_may_see_the_consents(in_group, client_for, person, status):
    response = client_for(getattr(in_group, person)).get(consents_url(in_group))
    assert response.status_code == status


@pytest.mark.parametrize(("person", "status"), PEOPLE.items())
def test_who_may_record_a_consent(in_group, client_for, person, status):
    other = pf.organisation(factories.PartnerMemberFactory(), name="广州培训学校")
    response = client_for(getattr(in_group, person)).post(
        consents_url(in_group),
        {
            "organisation": other.pk,
            "purpose": "jobs",
            "scope": "同意推荐。",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    recorded = Consent.objects.filter(organisation=other).exists()
    assert recorded == (status == ALLOWED)
    assert response.status_code == (302 if status == ALLOWED else status)


@pytest.mark.parametrize(("person", "status"), PEOPLE.items())
def test_who_may_withdraw_a_consent(in_group, client_for, person, status):
    consent = in_group.consents["jobs"]
    url = reverse("partners:consent_withdraw", args=[in_group.group.code, consent.pk])
    response = client_for(getattr(in_group, person)).post(url)
    consent.refresh_from_db()
    assert consent.is_live == (status != ALLOWED)
    assert response.status_code == (302 if status == ALLOWED else status)


@pytest.mark.parametrize("person", ["volunteer", "member", "outsider", "other_coordinator"])
def test_the_service_refuses_anyone_but_the_lead_or_a_coordinator(in_group, person):
    with pytest.raises(ValidationError):
        pf.consent(in_group.group, in_group.organisation, getattr(in_group, person), purpose="jobs")
    with pytest.raises(ValidationError):
        withdraw(in_group.consents["jobs"], getattr(in_group, person))
    assert in_group.consents["jobs"].is_live


def test_the_refer_page_links_groups_without_consent_to_their_consents_page(
    world, bare_group, client_for
):
    html = client_for(world.lead).get(reverse("partners:refer", args=["job", world.job.pk]))
    html = html.content.decode()
    link = reverse("partners:consents", args=[bare_group.code])
    assert f'href="{link}?organisation={world.organisation.pk}&amp;purpose=jobs"' in html
    assert reverse("partners:consents", args=[world.group.code]) not in html


def test_the_consents_page_reads_in_few_queries(world, client_for, django_assert_max_num_queries):
    for n in range(5):
        other = pf.organisation(factories.PartnerMemberFactory(), name=f"合作单位{n}")
        pf.consent(world.group, other, world.lead)
    client = client_for(world.lead)
    with django_assert_max_num_queries(25):
        client.get(consents_url(world))
