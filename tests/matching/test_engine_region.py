"""A coordinator's region: groups with unmet needs and their best candidates, scoped to the
regions they coordinate; and the bulk proposal, optimal (checked against brute force on small
real-row cases) and never worse than greedy."""

import itertools
import random

import pytest
from django.http import Http404
from django.utils import translation

from groups import services
from groups.models import CorrectionGroup
from matching import constraints, scoring
from matching.candidates import person_facts
from matching.read import group_facts, unmet_needs
from matching.suggest import region_overview, region_proposal, suggestions_for_group
from tests import factories
from tests.groups.conftest import group_data
from volunteers.models import Language, VolunteerProfile


def test_the_overview_lists_groups_with_unmet_needs_and_their_best_candidates(scene, make):
    person = make.person("张晓明")
    ((group, lists),) = region_overview(scene.coordinator)
    assert group == scene.group
    assert [s.id for s in lists["volunteer"]] == [person.pk]
    assert region_overview(scene.other_coordinator) == []  # another province sees none
    city = factories.coordinator(make.regions["440100"])
    assert [g for g, _ in region_overview(city)] == [scene.group]


def test_a_group_whose_needs_are_all_served_is_not_listed(scene, make, regions):
    served = services.group_create(
        data=group_data(regions, needs={"psychological_support": 1}), created_by=scene.coordinator
    )
    counsellor = make.person("心理咨询师")
    services.member_add(group=served, user=counsellor, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    assert [g for g, _ in region_overview(scene.coordinator)] == [scene.group]


def test_the_overview_looks_past_a_window_of_served_groups(scene, make, regions, monkeypatch):
    """The overview reads the first groups in its order and keeps those with unmet needs; when
    that window holds too few, the plain filter finds the rest (same groups, same order)."""
    from matching import suggest

    served = services.group_create(
        data=group_data(regions, needs={"psychological_support": 1}), created_by=scene.coordinator
    )
    counsellor = make.person("心理咨询师")
    services.member_add(group=served, user=counsellor, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    ordered = suggest._coordinated(scene.coordinator).order_by(*suggest.OVERVIEW_ORDER)
    assert ordered.first() == served  # newest first: the served group opens the window
    whole = [g for g, _ in region_overview(scene.coordinator, limit=1)]
    monkeypatch.setattr(suggest, "OVERVIEW_WINDOW", 1)  # the window holds the served group only
    assert [g for g, _ in region_overview(scene.coordinator, limit=1)] == whole == [scene.group]


def test_overview_suggestions_answer_only_the_needs_still_unmet(scene, make):
    counsellor = make.person("心理咨询师", skills=("psychological_counselling",))
    lawyer = make.person("律师", skills=("legal_aid",))
    member = make.person("组员咨询师", skills=("psychological_counselling",))
    services.member_add(group=scene.group, user=member, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    assert unmet_needs([scene.group.pk])[scene.group.pk] == {"legal_aid", "employment"}
    ((_, lists),) = region_overview(scene.coordinator)
    assert [s.id for s in lists["volunteer"]] == [lawyer.pk]
    assert counsellor.pk not in [s.id for s in lists["volunteer"]]


def brute_force(facts, people):
    """The best total over every way of giving each group at most one person within capacity."""
    score = {}
    for gi, g in enumerate(facts):
        for pi, p in enumerate(people):
            if constraints.person_refusal(p, g) is None and scoring.coverage(p.serves, g.needs):
                score[gi, pi] = scoring.score_person(p, g).score
    best = 0.0
    for choice in itertools.product([None, *range(len(people))], repeat=len(facts)):
        used = [c for c in choice if c is not None]
        if any(used.count(p) > people[p].capacity for p in set(used)):
            continue
        if any(c is not None and (g, c) not in score for g, c in enumerate(choice)):
            continue
        best = max(best, sum(score[g, c] for g, c in enumerate(choice) if c is not None))
    return round(best, 2)


def test_the_proposal_beats_greedy_where_greedy_goes_wrong(scene, make, regions):
    """张 fits both groups best; 李 fits only the first. Greedy gives 张 the first group and
    leaves the second empty; the optimum gives the first to 李 and the second to 张."""
    second = services.group_create(
        data=group_data(
            regions, needs={"housing": 3, "employment": 1}, judicial_office=regions["440106006"]
        ),  # fmt: skip
        created_by=scene.coordinator,
    )
    zhang = make.person(
        "张",
        regions=("440106",),
        max_groups=1,
        skills=("psychological_counselling", "legal_aid", "housing_assistance"),
    )
    li = make.person("李", regions=("440106",), max_groups=1, skills=("legal_aid",))
    proposal = region_proposal(scene.coordinator)
    chosen = {(g.pk, s.id) for g, s in proposal.rows}
    assert chosen == {(scene.group.pk, li.pk), (second.pk, zhang.pk)}
    assert proposal.total > proposal.greedy_total > 0
    assert proposal.seconds >= 0


@pytest.mark.parametrize("seed", range(4))
def test_the_proposal_equals_brute_force_on_small_cases(scene, make, regions, seed):
    rng = random.Random(seed)
    offices = ["440106005", "440106006", "440104003"]
    skills = ["psychological_counselling", "legal_aid", "housing_assistance", "employment_guidance"]
    needs = ["psychological_support", "legal_aid", "housing", "employment"]
    for _ in range(3):
        services.group_create(
            data=group_data(
                regions, judicial_office=regions[rng.choice(offices)], approved_regions=[],
                needs={n: rng.randint(1, 3) for n in rng.sample(needs, rng.randint(1, 2))},
            ),
            created_by=factories.coordinator(regions["440100"]),
        )  # fmt: skip
    for i in range(4):
        make.person(f"志愿者{i}", regions=(rng.choice(["440106", "440100", "440104", *offices]),),
                    skills=rng.sample(skills, rng.randint(1, 2)), max_groups=rng.randint(1, 2),
                    availability=rng.getrandbits(21))  # fmt: skip
    city = factories.coordinator(regions["440100"])
    proposal = region_proposal(city)
    groups = list(CorrectionGroup.objects.order_by("code"))
    facts = group_facts(groups, needs_only=unmet_needs([g.pk for g in groups]))
    people = person_facts(VolunteerProfile.objects.filter(status="approved")).people
    assert proposal.total == pytest.approx(brute_force(facts, people), abs=0.02)
    assert proposal.total >= proposal.greedy_total
    per_person = [s.id for _, s in proposal.rows]
    for person in people:
        assert per_person.count(person.id) <= person.capacity
    assert len({g.pk for g, _ in proposal.rows}) == len(proposal.rows)


def test_a_proposal_for_a_region_outside_ones_own_is_refused(scene, regions):
    with pytest.raises(Http404):
        region_proposal(scene.coordinator, region=regions["510107"])
    assert region_proposal(scene.other_coordinator).rows == []


def test_a_proposal_for_a_sub_region_keeps_to_it(scene, make, regions):
    make.person("张晓明", regions=("440106",))
    assert region_proposal(scene.coordinator, region=regions["440106006"]).rows == []
    rows = region_proposal(scene.coordinator, region=regions["440106005"]).rows
    assert [g for g, _ in rows] == [scene.group]


def test_reasons_are_translated_in_chinese_and_english(scene, make):
    make.person("张晓明", availability=1 << (2 * 3 + 1), languages=("cantonese",))
    make.job("仓库管理员", housing=True)
    services.group_update(
        group=scene.group,
        data=group_data(make.regions, needs={"psychological_support": 1, "employment": 2,
                                             "housing": 3},
                        languages=list(Language.objects.filter(code="cantonese")),
                        forbidden_industries=[], slots=1 << (2 * 3 + 1)),
        updated_by=scene.coordinator,
    )  # fmt: skip
    found = suggestions_for_group(scene.group)
    assert found["volunteer"][0].reasons == (
        "心理咨询技能匹配", "同一司法所", "周三下午有空", "会说粤语",
    )  # fmt: skip
    assert found["job"][0].reasons[:2] == ("满足就业、住房需求", "同一区县")
    with translation.override("en"):
        found = suggestions_for_group(scene.group)
    assert found["volunteer"][0].reasons == (
        "Psychological counselling skill matches", "same judicial office",
        "free on Wednesday afternoon", "speaks Cantonese",
    )  # fmt: skip
    assert found["job"][0].reasons[0] == "answers the need for employment、housing"
