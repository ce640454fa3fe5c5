"""The matching engine's pure parts: hard constraints, explained scores, optimal assignment."""

import itertools

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import assignment, constraints, scoring
from matching.facts import GroupFacts, OfferFacts, PersonFacts

# Region paths as treebeard writes them: 广东省 / 广州市 / 天河区 / 石牌街司法所 ...
GD, GZ, TIANHE, SHIPAI = "0001", "00010001", "000100010001", "0001000100010001"
TIANHE_SOUTH = "0001000100010002"
YUEXIU = "000100010002"
SC_WUHOU = "000200010001"
NEED_CODES = ("employment", "legal_aid", "psychological_support", "family_relations", "debt")


def group(**changes):
    facts = {
        "id": 1,
        "code": "GD-440106-2026-0001",
        "office_path": SHIPAI,
        "needs": {"psychological_support": 1, "legal_aid": 2},
        "approved_paths": (TIANHE,),
        "forbidden_industries": frozenset({"R"}),
        "offence": "dangerous_driving",
        "slots": frozenset({(2, "afternoon")}),
        "languages": frozenset({"粤语"}),
    }
    facts.update(changes)
    return GroupFacts(**facts)


def person(**changes):
    facts = {
        "id": 7,
        "kind": "volunteer",
        "name": "张晓明",
        "serves": frozenset({"psychological_support"}),
        "skill_names": {"psychological_support": "心理咨询"},
        "region_paths": (SHIPAI,),
        "slots": frozenset({(2, "afternoon")}),
        "languages": frozenset({"粤语", "普通话"}),
        "max_groups": 2,
    }
    facts.update(changes)
    return PersonFacts(**facts)


def job(**changes):
    facts = {
        "id": 3,
        "kind": "job",
        "title": "仓储管理员",
        "serves": frozenset({"employment"}),
        "region_paths": (TIANHE,),
        "industry": "G",
        "salary_min": 5000,
    }
    facts.update(changes)
    return OfferFacts(**facts)


def test_a_good_match_says_why_in_words_a_coordinator_reads():
    with translation.override("zh-hans"):
        scored = scoring.score_person(person(), group())
    assert scored.score > 50
    assert any("心理咨询" in r for r in scored.reasons)
    assert len(scored.reasons) >= 4  # skill, region, time, language


@pytest.fixture(autouse=True)
def in_english():
    """Refusal reasons are compared in English (other tests leave Chinese active)."""
    with translation.override("en"):
        yield


def test_each_hard_constraint_refuses_with_its_reason():
    g = group(is_juvenile=True, excluded=frozenset({("volunteer", 9)}))
    assert constraints.person_refusal(person(vetted=False), g) == "not vetted yet"
    assert (
        constraints.person_refusal(person(suspended=True, cleared_for_juveniles=True), g)
        == "suspended"
    )
    assert constraints.person_refusal(person(load=2, cleared_for_juveniles=True), g)
    assert constraints.person_refusal(person(region_paths=(YUEXIU,), cleared_for_juveniles=True), g)
    assert constraints.person_refusal(person(), g) == "not cleared to work with juveniles"
    assert constraints.person_refusal(person(id=9, cleared_for_juveniles=True), g)
    assert (
        constraints.person_refusal(person(region_paths=(GZ,), cleared_for_juveniles=True), g)
        is None
    )


def test_a_job_must_lie_inside_the_execution_area_and_respect_the_restrictions():
    g = group()
    assert constraints.offer_refusal(job(), g) is None
    assert "outside" in constraints.offer_refusal(job(region_paths=(YUEXIU,)), g)
    assert "outside" in constraints.offer_refusal(job(region_paths=(GZ,)), g)  # wider than area
    assert "forbidden" in constraints.offer_refusal(job(industry="R"), g)
    assert "offence" in constraints.offer_refusal(
        job(excluded_offences=frozenset({"dangerous_driving"})), g
    )
    assert constraints.offer_refusal(job(open=False), g)
    assert constraints.offer_refusal(job(verified=False), g)


def test_nearer_is_better_office_then_county_then_city_then_province():
    g = group()
    scores = [
        scoring.score_person(person(region_paths=(path,)), g).score
        for path in (SHIPAI, TIANHE, GZ, GD)
    ]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    assert scoring.closeness((TIANHE_SOUTH,), SHIPAI) == 0.75  # a sister office: same county


@settings(max_examples=200, deadline=None)
@given(
    needs=st.dictionaries(st.sampled_from(NEED_CODES), st.integers(1, 3), min_size=1),
    serves=st.sets(st.sampled_from(NEED_CODES)),
    extra=st.sampled_from(NEED_CODES),
)
def test_covering_one_more_need_never_lowers_a_score(needs, serves, extra):
    g = group(needs=needs)
    before = scoring.score_person(person(serves=frozenset(serves)), g).score
    after = scoring.score_person(person(serves=frozenset(serves | {extra})), g).score
    assert after >= before


def brute_force_best(scores, capacity):
    groups, people = scores.shape
    best = 0.0
    choices = [[None, *range(people)] for _ in range(groups)]
    for pick in itertools.product(*choices):
        used = [pick.count(p) for p in range(people)]
        if any(used[p] > capacity[p] for p in range(people)):
            continue
        pairs = [scores[g, p] for g, p in enumerate(pick) if p is not None]
        if any(s < 0 for s in pairs):
            continue
        best = max(best, sum(s for s in pairs if s > 0))
    return round(best, 2)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda g: st.integers(1, 3).flatmap(
            lambda p: st.tuples(
                st.lists(
                    st.lists(
                        st.sampled_from([-1.0, 0.0, 10.0, 35.5, 60.0, 90.0]), min_size=p, max_size=p
                    ),
                    min_size=g,
                    max_size=g,
                ),
                st.lists(st.integers(0, 2), min_size=p, max_size=p),
            )
        )
    )
)
def test_the_assignment_is_optimal_within_capacity_and_never_worse_than_greedy(data):
    rows, capacity = data
    scores = np.array(rows, dtype=float)
    best = assignment.optimal(scores, capacity)
    assert best.total == brute_force_best(scores, capacity)
    assert best.total >= assignment.greedy(scores, capacity).total
    groups_used = [g for g, _p, _s in best.pairs]
    assert len(groups_used) == len(set(groups_used))
    for p, cap in enumerate(capacity):
        assert sum(1 for _g, q, _s in best.pairs if q == p) <= cap
    assert all(scores[g, p] > 0 for g, p, _s in best.pairs)


def test_optimal_beats_greedy_where_greedy_is_short_sighted():
    # Greedy gives the one versatile person to the first group and leaves the second unserved.
    scores = np.array([[90.0, 80.0], [85.0, -1.0]])
    assert assignment.greedy(scores, [1, 1]).total == 90.0
    assert assignment.optimal(scores, [1, 1]).total == 165.0
