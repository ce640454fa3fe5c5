"""The vectorised scores (matching.matrix) agree with the scalar scoring and hard
constraints for every pair, on random facts (tests/matching/test_rules_vectorised.py holds the
hard constraints to groups.rules one rule at a time)."""

import random

import numpy as np
import pytest
from django.utils import translation

from matching import constraints, scoring
from matching.assignment import FORBIDDEN
from matching.facts import GroupFacts, OfferFacts, PersonFacts
from matching.matrix import offers_matrix, people_matrix

NEEDS = ("employment", "legal_aid", "psychological_support", "housing", "health",
         "vocational_skills")  # fmt: skip
OFFICES = ("0001000100010001", "0001000100010002", "0001000100020001", "0002000100010001")
REGIONS = ("0001", "00010001", "000100010001", "000100010002", *OFFICES)
SLOTS = [(d, p) for d in range(7) for p in ("morning", "afternoon", "evening")]
LANGUAGES = ("普通话", "粤语", "四川话")


def some(rng, items, most):
    return frozenset(rng.sample(items, rng.randint(0, most)))


def groups(rng, n):
    return [
        GroupFacts(
            id=i,
            code=f"G{i}",
            office_path=rng.choice(OFFICES),
            needs={c: rng.randint(1, 3) for c in some(rng, NEEDS, 3)},
            supervision_level=rng.choice(("strict", "ordinary")),
            is_juvenile=rng.random() < 0.3,
            offence=rng.choice(("theft", "fraud")),
            approved_paths=tuple(sorted(some(rng, REGIONS[:4], 1))),
            forbidden_industries=some(rng, ("G", "R", "H"), 1),
            languages=some(rng, LANGUAGES, 2),
            slots=some(rng, SLOTS, 3),
            excluded=frozenset({("volunteer", rng.randint(0, 30)), ("job", rng.randint(0, 30))}),
        )  # fmt: skip
        for i in range(n)
    ]


def people(rng, n):
    return [
        PersonFacts(
            id=i,
            kind=rng.choice(("volunteer", "social_worker")),
            name=f"P{i}",
            serves=some(rng, NEEDS, 3),
            region_paths=tuple(sorted(some(rng, REGIONS, 2))),
            slots=some(rng, SLOTS, 5),
            languages=some(rng, LANGUAGES, 2),
            qualification=rng.randint(0, 3),
            load=rng.randint(0, 3),
            max_groups=rng.randint(1, 3),
            cleared_for_juveniles=rng.random() < 0.5,
            vetted=rng.random() < 0.9,
            suspended=rng.random() < 0.1,
        )  # fmt: skip
        for i in range(n)
    ]


def offers(rng, n):
    return [
        OfferFacts(
            id=i,
            kind=rng.choice(("job", "programme")),
            title=f"O{i}",
            serves=some(rng, NEEDS, 2),
            region_paths=tuple(sorted(some(rng, REGIONS, 2))),
            industry=rng.choice(("G", "R", "C")),
            excluded_offences=some(rng, ("theft",), 1),
            salary_min=rng.choice((0, 3000, 8000)),
            benefits=some(rng, ("housing", "meals", "training"), 3),
            open=rng.random() < 0.9,
            places_left=rng.choice((0, 1, 5)),
            verified=rng.random() < 0.9,
        )  # fmt: skip
        for i in range(n)
    ]


@pytest.mark.parametrize("seed", range(20))
def test_people_matrix_matches_the_scalar_score_and_constraints(seed):
    rng = random.Random(seed)
    gs, ps = groups(rng, 12), people(rng, 25)
    matrix = people_matrix(gs, ps)
    with translation.override("en"):
        for gi, g in enumerate(gs):
            for pi, p in enumerate(ps):
                allowed = (
                    constraints.person_refusal(p, g) is None
                    and scoring.coverage(p.serves, g.needs) > 0
                )
                if allowed:
                    assert matrix[gi, pi] == pytest.approx(scoring.score_person(p, g).score,
                                                           abs=0.011)  # fmt: skip
                else:
                    assert matrix[gi, pi] == FORBIDDEN


@pytest.mark.parametrize("seed", range(20))
def test_offers_matrix_matches_the_scalar_score_and_constraints(seed):
    rng = random.Random(seed)
    gs, os_ = groups(rng, 12), offers(rng, 25)
    matrix = offers_matrix(gs, os_)
    with translation.override("en"):
        for gi, g in enumerate(gs):
            for oi, o in enumerate(os_):
                allowed = (
                    constraints.offer_refusal(o, g) is None
                    and scoring.coverage(o.serves, g.needs) > 0
                )
                if allowed:
                    assert matrix[gi, oi] == pytest.approx(scoring.score_offer(o, g).score,
                                                           abs=0.011)  # fmt: skip
                else:
                    assert matrix[gi, oi] == FORBIDDEN


def test_empty_sides_give_empty_matrices():
    rng = random.Random(1)
    assert people_matrix([], people(rng, 3)).shape == (0, 3)
    assert offers_matrix(groups(rng, 2), []).shape == (2, 0)
    assert np.all(people_matrix(groups(rng, 2), []) == FORBIDDEN)
