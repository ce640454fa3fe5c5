"""Matching finds people through each profile's stored serving facts (volunteers.serving): a
change to whom a person serves, what they can do or which languages they speak shows in the
next suggestions whichever way it was written, and a row that drifted is found and repaired."""

import random

import pytest

from matching.candidates import people_ids, person_facts, serving_facts
from matching.suggest import suggestions_for_group
from portal.models import Region
from volunteers import scale as volunteer_scale
from volunteers import serving
from volunteers.models import Language, ServingFacts, Skill, VolunteerProfile
from volunteers.tasks import serving_facts_check


def suggested(group) -> set[str]:
    lists = suggestions_for_group(group, per_kind=50)
    return {s.label for kind in ("volunteer", "social_worker") for s in lists[kind]}


def profile_of(user) -> VolunteerProfile:
    return VolunteerProfile.objects.get(user=user)


def test_a_change_of_region_skills_or_languages_shows_in_the_next_suggestions(scene, make):
    person = make.person("林晓燕", regions=("440106005",), skills=("psychological_counselling",))
    assert "林晓燕" in suggested(scene.group)
    profile = profile_of(person)

    profile.regions.set([Region.objects.get(code="510107")])  # moved to 成都 武侯区
    assert "林晓燕" not in suggested(scene.group)
    profile.regions.add(Region.objects.get(code="440106"))  # and 天河区 again, as a county
    assert "林晓燕" in suggested(scene.group)

    profile.skills.clear()  # nothing the group needs
    assert "林晓燕" not in suggested(scene.group)
    profile.skills.add(Skill.objects.get(code="legal_aid"))  # the group's legal aid
    assert "林晓燕" in suggested(scene.group)

    profile.languages.set(Language.objects.filter(code="cantonese"))
    found = serving_facts(office_paths=[scene.group.judicial_office.path], needs={"legal_aid"})
    (facts,) = [p for p in found.people if p.id == person.pk]
    assert facts.languages == {"粤语"}
    assert serving.drifted([profile.pk]) == []


def test_vetting_and_capacity_count_at_once_without_a_refresh(scene, make):
    """Status and capacity are read live beside the stored links: nothing to keep current."""
    person = make.person("黄志强", max_groups=1)
    assert "黄志强" in suggested(scene.group)
    VolunteerProfile.objects.filter(user=person).update(status="suspended")
    assert "黄志强" not in suggested(scene.group)
    VolunteerProfile.objects.filter(user=person).update(status="approved", max_groups=0)
    assert "黄志强" not in suggested(scene.group)


def test_people_written_in_bulk_are_found(scene, regions):
    """The scale seed writes links with bulk_create (no signal) and refreshes the rows itself."""
    rng = random.Random(7)
    created = volunteer_scale.create_people(40, kind="volunteer", rng=rng,
                                            regions=[regions["440106005"]])  # fmt: skip
    assert created == 40
    assert ServingFacts.objects.count() == VolunteerProfile.objects.count()
    assert serving.drifted() == []
    offices = [scene.group.judicial_office.path]
    needs = {"psychological_support", "legal_aid", "employment"}
    expected = person_facts(people_ids(office_paths=offices), needs=needs).people
    found = serving_facts(office_paths=offices, needs=needs).people
    assert sorted(p.id for p in found) == sorted(p.id for p in expected if p.serves & needs)


def test_a_row_that_drifted_is_found_and_repaired_by_the_nightly_check(scene, make):
    person = make.person("周建华")
    profile = profile_of(person)
    # A write that bypassed both the signals and the refresh: the link rows alone.
    VolunteerProfile.regions.through.objects.filter(volunteerprofile=profile).delete()
    VolunteerProfile.regions.through.objects.create(
        volunteerprofile=profile, region=Region.objects.get(code="510107")
    )
    assert "周建华" in suggested(scene.group)  # the stale copy still says 石牌街
    assert serving.drifted() == [profile.pk]

    assert serving_facts_check() == 1
    assert "周建华" not in suggested(scene.group)
    assert serving.drifted() == []
    assert serving_facts_check() == 0


def test_a_profile_gone_takes_its_row_with_it(scene, make):
    profile = profile_of(make.person("郑丽"))
    assert ServingFacts.objects.filter(profile=profile).exists()
    profile.delete()
    assert not ServingFacts.objects.filter(profile_id=profile.pk).exists()


@pytest.mark.parametrize("size", [5, 120])
def test_the_check_reads_in_batches_not_a_profile_at_a_time(
    scene, regions, size, django_assert_max_num_queries
):
    volunteer_scale.create_people(size, kind="volunteer", rng=random.Random(size),
                                  regions=[regions["440106005"]])  # fmt: skip
    with django_assert_max_num_queries(6):
        assert serving.drifted() == []
