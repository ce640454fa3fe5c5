"""An enterprise in 天河区 with an owner and a member, a verified open job, and a correction
group in 石牌街司法所 with its lead; and the people around them who may or may not see."""

from types import SimpleNamespace

import pytest

from groups import services as group_services
from partners import services
from partners.models import Consent
from tests import factories
from tests.groups.conftest import group_data
from tests.partners import factories as partner_factories


@pytest.fixture(autouse=True)
def lists_forgotten():
    """The public lists' cached bodies (partners.listing) outlive a test's rolled-back rows in
    a shared cache: each test starts from a new generation."""
    from partners import listing

    listing.changed()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Licences and logos go to a temporary folder, never the developer's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def build_world(regions):
    coordinator = factories.coordinator(regions["440106"])
    owner = factories.PartnerMemberFactory(display_name="黄经理")
    member = factories.PartnerMemberFactory(display_name="周助理")
    org = partner_factories.organisation(owner, verifier=coordinator)
    services.join_request_create(organisation=org, user=member)
    services.join_request_decide(
        join_request=org.join_requests.get(), approve=True, decided_by=owner
    )
    job = partner_factories.job(org, owner)
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    # The person signed consent to referrals to this enterprise (tests/partners/test_consent.py
    # covers referrals without one).
    consents = {
        purpose: partner_factories.consent(group, org, lead, purpose=purpose)
        for purpose in Consent.Purpose.values
    }
    return SimpleNamespace(
        consents=consents,
        coordinator=coordinator,  # covers 天河区: verifies, sees the group's referrals
        owner=owner,
        member=member,
        organisation=org,
        job=job,
        group=group,
        lead=lead,
        outsider=factories.PartnerMemberFactory(display_name="局外人"),
        other_coordinator=factories.coordinator(regions["510107"]),
        volunteer=factories.VolunteerFactory(),
        anonymous=None,
    )


@pytest.fixture
def referral(world):
    return services.referral_create(
        group=world.group,
        posting=world.job,
        shared={
            "skills": ["职业技能培训"],
            "availability": "工作日白天",
            "experience": "做过三年车工",
        },
        referred_by=world.lead,
    )
