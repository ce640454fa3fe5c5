"""The person's own profile: draft, resume, submit, duplicates, leaving."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from messaging.models import Notification
from portal.models import AuditEvent, Region
from tests import factories
from tests.volunteers import factories as vf
from volunteers import services
from volunteers.models import ServiceRecord, Skill, VolunteerProfile
from volunteers.reference import PLEDGE_VERSION
from volunteers.services.profiles import ProfileData

pytestmark = pytest.mark.django_db


def complete_data(**changes):
    data = {
        "real_name": "李建国",
        "gender": "male",
        "id_number": vf.id_number(born="19850612", serial=77),
        "skills": list(Skill.objects.filter(code__in=["legal_aid", "it"])),
        "regions": [Region.objects.get(code="440106")],
        "availability": 0b101,
        "max_groups": 2,
        "bio": "执业律师，周末有空。",
        "accept_pledge": True,
    }
    data.update(changes)
    return ProfileData(**data)


@pytest.fixture
def person(regions, reference_data):
    return factories.VolunteerFactory(display_name="李律师")


def test_a_draft_may_be_incomplete_and_resumes_where_it_was_left(person):
    profile = services.profile_start(user=person)
    services.profile_save(profile=profile, data=ProfileData(real_name="李建国"), by=person)
    again = services.profile_start(user=person)
    assert again.pk == profile.pk
    assert again.real_name == "李建国"
    assert again.status == VolunteerProfile.Status.DRAFT


def test_only_a_keyed_hash_and_the_masked_number_are_kept(person):
    number = vf.id_number(born="19850612", serial=77)
    profile = services.profile_start(user=person)
    services.profile_save(profile=profile, data=complete_data(id_number=number), by=person)
    profile.refresh_from_db()
    assert profile.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert profile.birth_year == 1985
    stored = [str(v) for v in VolunteerProfile.objects.values_list(flat=False).get(pk=profile.pk)]
    assert not any(number in value for value in stored)
    assert not AuditEvent.objects.filter(data__icontains=number[6:14]).exists()


def test_an_id_already_registered_is_refused_and_nothing_changes(person):
    number = vf.id_number(serial=5)
    vf.profile(number=number)
    profile = services.profile_start(user=person)
    with pytest.raises(ValidationError) as error:
        services.profile_save(profile=profile, data=complete_data(id_number=number), by=person)
    assert "id_number" in error.value.error_dict
    profile.refresh_from_db()
    assert profile.real_name == "" and profile.id_hash is None


def test_a_wrong_checksum_is_refused(person):
    profile = services.profile_start(user=person)
    good = vf.id_number(serial=9)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.profile_save(profile=profile, data=complete_data(id_number=bad), by=person)
    assert "id_number" in error.value.error_dict
    profile.refresh_from_db()
    assert profile.id_hash is None


def test_submitting_needs_every_required_part(person):
    profile = services.profile_start(user=person)
    services.profile_save(profile=profile, data=ProfileData(real_name="李建国"), by=person)
    with pytest.raises(ValidationError) as error:
        services.profile_submit(profile=profile, by=person)
    assert {"id_number", "skills", "regions", "accept_pledge", "gender"} <= set(
        error.value.error_dict
    )
    assert profile.status == VolunteerProfile.Status.DRAFT


def test_a_complete_profile_is_submitted_with_the_pledge_timed_and_coordinators_told(
    person, regions
):
    coordinator = factories.coordinator(regions["440106"])
    elsewhere = factories.coordinator(regions["510107"])
    profile = services.profile_start(user=person)
    services.profile_save(profile=profile, data=complete_data(), by=person)
    services.profile_submit(profile=profile, by=person)
    profile.refresh_from_db()
    assert profile.status == VolunteerProfile.Status.SUBMITTED
    assert profile.pledge_version == PLEDGE_VERSION and profile.pledge_accepted_at
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert coordinator.pk in told and elsewhere.pk not in told
    assert AuditEvent.objects.filter(action="volunteer.profile_submitted").exists()


def test_a_social_worker_needs_qualification_and_certificate(regions, reference_data):
    worker = factories.SocialWorkerFactory()
    profile = services.profile_start(user=worker)
    assert profile.kind == VolunteerProfile.Kind.SOCIAL_WORKER
    services.profile_save(profile=profile, data=complete_data(), by=worker)
    with pytest.raises(ValidationError) as error:
        services.profile_submit(profile=profile, by=worker)
    assert {"qualification", "certificate_number"} <= set(error.value.error_dict)
    services.profile_save(
        profile=profile,
        data=complete_data(
            qualification="senior", certificate_number="ZS20190001", agency_name="启明社工中心"
        ),
        by=worker,
    )
    services.profile_submit(profile=profile, by=worker)
    assert profile.status == VolunteerProfile.Status.SUBMITTED


def test_partners_and_learners_have_no_profile(regions, reference_data):
    with pytest.raises(ValidationError):
        services.profile_start(user=factories.PartnerMemberFactory())


def test_leaving_anonymises_the_profile_and_keeps_confirmed_hours_in_totals(
    regions, reference_data
):
    profile = vf.profile(hours=10)
    user = profile.user
    vf.record(profile, region=regions["440106"], hours="3", status=ServiceRecord.Status.CONFIRMED)
    vf.record(profile, region=regions["440106"], hours="2", days_ago=2)
    services.account_delete(user=user)
    profile.refresh_from_db()
    assert profile.user is None and profile.status == VolunteerProfile.Status.LEFT
    assert (profile.real_name, profile.id_masked, profile.id_hash, profile.bio) == (
        "",
        "",
        None,
        "",
    )
    # The account row stays (what the person wrote keeps its author) but identifies nobody.
    user.refresh_from_db()
    assert not user.is_active and user.email.endswith("@portal.invalid")
    remaining = ServiceRecord.objects.filter(profile=profile)
    assert [r.status for r in remaining] == [ServiceRecord.Status.CONFIRMED]
    assert remaining[0].hours == Decimal("3")
    assert mail.outbox == []
