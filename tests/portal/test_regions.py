"""A staff role covers its region and everything beneath it, and nothing else."""

import pytest

from portal.models import Region, StaffRole
from portal.selectors import regions_covered_by, user_covers_region
from tests import factories


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_a_county_coordinator_covers_the_county_and_its_judicial_offices_only(regions):
    coordinator = factories.coordinator(regions["440106"])  # 天河区
    assert codes(regions_covered_by(coordinator)) == {"440106", "440106005", "440106006"}
    assert user_covers_region(coordinator, regions["440106005"])  # 石牌街司法所
    assert not user_covers_region(coordinator, regions["440104003"])  # 越秀区's office
    assert not user_covers_region(coordinator, regions["440100"])  # the city above


def test_a_province_coordinator_covers_the_whole_province_but_not_another(regions):
    coordinator = factories.coordinator(regions["440000"])
    covered = codes(regions_covered_by(coordinator))
    assert {"440000", "440100", "440104", "440104003", "440106", "440106005"} <= covered
    assert not covered & {"510000", "510100", "510107", "510107001"}


def test_roles_in_two_regions_add_up_and_can_be_narrowed_by_role(regions):
    user = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(
        user=user, region=regions["510107"], role=StaffRole.Role.EDUCATION_OFFICER
    )
    assert codes(regions_covered_by(user)) == {"440104", "440104003", "510107", "510107001"}
    assert codes(regions_covered_by(user, role=StaffRole.Role.COORDINATOR)) == {
        "440104",
        "440104003",
    }


@pytest.mark.parametrize("factory", [factories.VolunteerFactory, factories.PartnerMemberFactory])
def test_people_without_a_staff_role_cover_nothing(regions, factory):
    assert not regions_covered_by(factory()).exists()


def test_an_admin_covers_everything(regions):
    assert regions_covered_by(factories.AdminFactory()).count() == len(regions)


def test_region_levels_follow_the_tree(regions):
    levels = [regions[c].level for c in ("440000", "440100", "440106", "440106005")]
    assert levels == [
        Region.Level.PROVINCE,
        Region.Level.CITY,
        Region.Level.COUNTY,
        Region.Level.JUDICIAL_OFFICE,
    ]
