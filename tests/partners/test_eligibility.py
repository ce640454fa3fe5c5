"""The hard constraints a referral (and later the matching engine) applies, in words."""

from django.utils import translation

from partners import eligibility
from portal.models import Industry, OffenceCategory, Region


def test_a_place_inside_the_execution_area_passes(regions):
    assert eligibility.location_refusal([regions["440106"]], [regions["440106005"]]) is None


def test_one_place_inside_is_enough(regions):
    places = [regions["510107"], regions["440106"]]
    assert eligibility.location_refusal([regions["440106"]], places) is None


def test_a_place_outside_is_refused_naming_both(regions):
    with translation.override("zh-hans"):
        reason = eligibility.location_refusal([regions["440106"]], [regions["440104"]])
    assert "越秀区" in reason and "天河区" in reason


def test_a_city_wide_job_is_not_inside_a_county_area(regions):
    assert eligibility.location_refusal([regions["440106"]], [regions["440100"]])


def test_forbidden_industry_and_excluded_offence(reference_data):
    g = Industry.objects.get(code="G")
    c = Industry.objects.get(code="C")
    theft = OffenceCategory.objects.get(code="theft")
    assert eligibility.industry_refusal([g], g)
    assert eligibility.industry_refusal([g], c) is None
    assert eligibility.offence_refusal(theft, [theft])
    assert eligibility.offence_refusal(theft, []) is None


def test_without_an_approved_area_the_county_of_the_office_is_used(world):
    world.group.approved_regions.clear()
    assert eligibility.execution_area(world.group) == [Region.objects.get(code="440106")]
