"""A staff role covers its region and everything beneath it, and nothing else."""

import pytest

from portal import services
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


def test_a_region_knows_the_regions_above_it(regions):
    office = regions["440106005"]  # 石牌街司法所
    above = Region.objects.filter(path__in=office.ancestor_paths()).order_by("path")
    assert [r.code for r in above] == ["440000", "440100", "440106", "440106005"]
    assert Region.paths_above_all([office.path, regions["510107"].path]) == {
        r.path for r in regions.values() if r.code in {"440000", "440100", "440106", "440106005",
                                                        "510000", "510100", "510107"}
    }  # fmt: skip


def test_the_county_city_and_province_a_region_lies_in(regions):
    office, county, city = regions["440106005"], regions["440106"], regions["440100"]
    assert (office.county_path, office.city_path) == (county.path, city.path)
    assert office.province_path == regions["440000"].path
    assert county.county_path == county.path
    assert city.county_path is None  # a city lies in no county


def test_same_county_same_city_as_one_place(regions):
    shipai, tianhe_other = regions["440106005"], regions["440106006"]
    yuexiu = regions["440104003"]
    chengdu = regions["510107001"]
    assert shipai.same_place(tianhe_other, Region.Level.COUNTY)
    assert not shipai.same_place(yuexiu, Region.Level.COUNTY)
    assert shipai.same_place(yuexiu, Region.Level.CITY)
    assert not shipai.same_place(chengdu, Region.Level.PROVINCE)
    assert not regions["440100"].same_place(regions["440106"], Region.Level.COUNTY)
    levels = [Region.shared_level(shipai.path, other.path) for other in
              (shipai, tianhe_other, yuexiu, chengdu)]  # fmt: skip
    assert levels == [
        Region.Level.JUDICIAL_OFFICE,
        Region.Level.COUNTY,
        Region.Level.CITY,
        0,
    ]


def test_the_smallest_region_holding_several_places(regions):
    def common(*codes):
        return Region.common_path(regions[c].path for c in codes)

    assert common("440106005", "440106006") == regions["440106"].path
    assert common("440106005", "440104003") == regions["440100"].path
    assert common("440106005") == regions["440106005"].path
    assert common("440106005", "510107001") == ""


DONGGUAN = (
    (
        "440000",
        "广东省",
        (
            (
                "441900",
                "东莞市",
                (("441900003", "东城街司法所", ()), ("441900004", "南城街司法所", ())),
            ),
        ),
    ),
)


@pytest.fixture
def dongguan(regions):
    """东莞 has no counties: its towns' judicial offices sit straight under the city."""
    services.region_tree_load(tree=DONGGUAN)
    return {r.code: r for r in Region.objects.filter(code__startswith="4419")}


def test_an_office_straight_under_a_city_is_an_office_and_the_city_is_its_county(dongguan):
    city, dongcheng, nancheng = dongguan["441900"], dongguan["441900003"], dongguan["441900004"]
    assert dongcheng.depth == 3 and dongcheng.level == Region.Level.JUDICIAL_OFFICE
    assert Region.level_of(dongcheng.path) == Region.Level.JUDICIAL_OFFICE
    assert (dongcheng.county_path, dongcheng.city_path) == (city.path, city.path)
    assert Region.path_at_level(dongcheng.path, Region.Level.COUNTY) == city.path
    assert Region.path_at_level(dongcheng.path, Region.Level.JUDICIAL_OFFICE) == dongcheng.path
    assert city.county_path == city.path  # the city does a county's work
    assert dongcheng.same_place(nancheng, Region.Level.COUNTY)
    assert not dongcheng.same_place(nancheng, Region.Level.JUDICIAL_OFFICE)
    levels = [
        Region.shared_level(dongcheng.path, other.path) for other in (dongcheng, nancheng, city)
    ]
    assert levels == [Region.Level.JUDICIAL_OFFICE, Region.Level.COUNTY, Region.Level.COUNTY]


def test_a_city_without_counties_changes_nothing_for_a_city_with_counties(dongguan, regions):
    guangzhou_office, dongcheng = regions["440106005"], dongguan["441900003"]
    assert Region.shared_level(guangzhou_office.path, dongcheng.path) == Region.Level.PROVINCE
    assert guangzhou_office.county_path == regions["440106"].path
    assert Region.path_at_level(regions["440100"].path, Region.Level.COUNTY) is None
    assert set(Region.objects.county_level().values_list("code", flat=True)) >= {
        "440106", "441900"}  # fmt: skip
    assert "440100" not in set(Region.objects.county_level().values_list("code", flat=True))
