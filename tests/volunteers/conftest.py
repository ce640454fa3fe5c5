"""A volunteer world in 天河区: a correction group in 石牌街司法所 led by a social worker, an
approved volunteer in it, and the people around them who may or may not see things."""

from types import SimpleNamespace

import pytest

from groups import services as group_services
from groups.models import Membership
from tests import factories
from tests.groups.conftest import group_data
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile


@pytest.fixture(autouse=True)
def lists_forgotten():
    """The queue's and directory's cached counts and pages (volunteers.listing) outlive a test's
    rolled-back rows in a shared cache: each test starts from a new generation."""
    from volunteers import listing

    listing.forget()


@pytest.fixture
def world(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    volunteer = factories.VolunteerFactory(display_name="张晓明")
    profile = vf.profile(volunteer, real_name="张晓明", regions=("440106",))
    group_services.member_add(
        group=group, user=volunteer, role=Membership.Role.VOLUNTEER, added_by=coordinator
    )
    applicant = vf.profile(
        status=VolunteerProfile.Status.SUBMITTED, real_name="陈静", regions=("440106005",)
    )
    return SimpleNamespace(
        regions=regions,
        group=group,
        coordinator=coordinator,  # the owner: covers 天河区
        city_coordinator=factories.coordinator(regions["440100"]),
        other_coordinator=factories.coordinator(regions["510107"]),  # 武侯区
        lead=lead,
        volunteer=volunteer,  # a member of the group, with an approved profile
        profile=profile,
        applicant=applicant,
        outsider=factories.VolunteerFactory(display_name="局外人"),
        partner=factories.PartnerMemberFactory(display_name="黄经理"),
        anonymous=None,
    )
