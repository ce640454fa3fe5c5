"""Group facts for matching come from the database in a fixed number of queries."""

import random

import pytest
from django.utils import translation

from groups.models import CorrectionGroup, MatchDecline
from groups.scale import create_groups
from matching.read import group_facts
from volunteers.models import Language


def test_facts_carry_needs_area_restrictions_and_who_is_excluded(world, regions):
    MatchDecline.objects.create(
        group=world.group, candidate_kind="job", candidate_id=42, reason="岗位夜班，不适合"
    )
    (facts,) = group_facts(CorrectionGroup.objects.filter(pk=world.group.pk))
    assert facts.needs == {"employment": 1, "legal_aid": 2}
    assert facts.office_path == regions["440106005"].path
    assert facts.approved_paths == (regions["440106"].path,)
    assert facts.forbidden_industries == {"G", "R"}
    assert facts.offence == "dangerous_driving"
    assert ("volunteer", world.volunteer.pk) in facts.excluded
    assert ("social_worker", world.lead.pk) in facts.excluded
    assert ("job", 42) in facts.excluded
    assert ("volunteer", world.outsider.pk) not in facts.excluded


def test_languages_are_named_in_the_readers_language_and_needs_can_be_narrowed(world):
    world.group.languages.set(Language.objects.filter(code="cantonese"))
    groups = CorrectionGroup.objects.filter(pk=world.group.pk)
    with translation.override("zh-hans"):
        (facts,) = group_facts(groups)
    assert facts.languages == {"粤语"}
    with translation.override("en"):
        (facts,) = group_facts(groups, needs_only={world.group.pk: {"legal_aid"}})
    assert facts.languages == {"Cantonese"}
    assert facts.needs == {"legal_aid": 2}
    assert facts.approved_paths and facts.forbidden_industries == {"G", "R"}


@pytest.mark.parametrize("count", [5, 300])
def test_reading_facts_takes_the_same_queries_for_few_or_many_groups(
    world, count, django_assert_max_num_queries
):
    create_groups(count, rng=random.Random(count), offices=[world.group.judicial_office])
    with django_assert_max_num_queries(3):  # the groups, their links (one UNION), exclusions
        facts = group_facts(CorrectionGroup.objects.all())
    assert len(facts) == count + 1
