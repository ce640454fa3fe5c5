"""A social-work agency in 天河区 with an owner and a member, a university elsewhere with its own
owner, a volunteer and a social worker with profiles (the volunteer serves in one group and has
confirmed and pending hours), and the staff around them who may or may not see affiliations."""

from types import SimpleNamespace

from groups import services as group_services
from groups.models import Membership
from partners import services
from partners.models import Organisation
from portal.models import StaffRole
from tests import factories
from tests.groups.conftest import group_data
from tests.partners import factories as pf
from tests.volunteers import factories as vf

AGENCY = "广州市天河区启明社会工作服务中心"


def build(regions) -> SimpleNamespace:
    coordinator = factories.coordinator(regions["440106"])
    owner = factories.PartnerMemberFactory(display_name="何主任")
    member = factories.PartnerMemberFactory(display_name="林干事")
    agency = pf.organisation(
        owner, verifier=coordinator, kind=Organisation.Kind.AGENCY, name=AGENCY
    )
    services.join_request_create(organisation=agency, user=member)
    services.join_request_decide(
        join_request=agency.join_requests.get(), approve=True, decided_by=owner
    )
    other_owner = factories.PartnerMemberFactory(display_name="孙老师")
    university = pf.organisation(
        other_owner, verifier=coordinator, kind=Organisation.Kind.UNIVERSITY, name="华南师范大学"
    )
    volunteer = factories.VolunteerFactory(display_name="张晓明")
    profile = vf.profile(volunteer, real_name="张晓明")
    social_worker = factories.SocialWorkerFactory(display_name="陈社工")
    sw_profile = vf.profile(social_worker, real_name="陈静")
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    group_services.member_add(
        group=group, user=volunteer, role=Membership.Role.VOLUNTEER, added_by=coordinator
    )
    office = regions["440106005"]
    for hours, status in (("2.5", "confirmed"), ("3", "confirmed"), ("4", "pending")):
        vf.record(profile, region=office, group=group, hours=hours, status=status)
    people = SimpleNamespace(
        regions=regions,
        agency=agency,
        university=university,
        group=group,
        profile=profile,
        sw_profile=sw_profile,
        admin=factories.AdminFactory(),
        owner=owner,  # the agency's owner: decides
        member=member,  # the agency's member: sees, does not decide
        other_owner=other_owner,  # a partner member of another organisation
        volunteer=volunteer,
        social_worker=social_worker,
        coordinator=coordinator,  # 天河区, the agency's region
        child_coordinator=factories.coordinator(regions["440106005"]),
        sibling_coordinator=factories.coordinator(regions["440104"]),  # 越秀区
        other_coordinator=factories.coordinator(regions["510107"]),  # 武侯区, another province
        education_officer=factories.education_officer(regions["440106"]),
        learner=factories.LearnerFactory(),
        anonymous=None,
    )
    if hasattr(StaffRole.Role, "OBSERVER"):
        people.observer = factories.StaffRoleFactory(
            region=regions["440106"], role=StaffRole.Role.OBSERVER
        ).user
    return people


def confirmed(people, profile=None, organisation=None):
    """An affiliation asked for by the person and confirmed by the owner, through the services."""
    profile = profile or people.profile
    organisation = organisation or people.agency
    affiliation = services.affiliation_request(
        profile=profile, organisation=organisation, requested_by=profile.user
    )
    owner = people.owner if organisation == people.agency else people.other_owner
    return services.affiliation_decide(affiliation=affiliation, confirm=True, decided_by=owner)


CONFIRMED_HOURS = "5.5"  # 2.5 + 3 confirmed; the 4 pending hours do not count
