"""matching.matrix is a vectorised copy of the hard rules of groups.rules: on random facts it
forbids exactly the pairs some rule refuses (or that answer none of the group's needs). Each
rule is also seen refusing alone, so a rule the copy forgot cannot hide behind another."""

import random
from collections import Counter

from groups import rules
from matching import scoring
from matching.assignment import FORBIDDEN
from matching.matrix import offers_matrix, people_matrix
from tests.matching.test_engine_matrix import groups, offers, people

SEEDS = range(30)


def person_reasons(p, g) -> dict[str, str | None]:
    return {
        "vetting": rules.vetting_refusal(vetted=p.vetted, suspended=p.suspended),
        "capacity": rules.capacity_refusal(load=p.load, max_groups=p.max_groups),
        "region": rules.region_refusal(p.region_paths, g.office_path),
        "juvenile": rules.juvenile_refusal(
            is_juvenile=g.is_juvenile, cleared=p.cleared_for_juveniles
        ),
        "excluded": rules.member_or_declined_refusal((p.kind, p.id) in g.excluded),
    }


def offer_reasons(o, g) -> dict[str, str | None]:
    return {
        "open": rules.open_refusal(o.open),
        "places": rules.places_refusal(o.places_left),
        "verified": rules.verification_refusal(o.verified),
        "area": rules.place_refusal(
            o.region_paths, rules.execution_area(g.approved_paths, g.office_path)
        ),
        "industry": rules.industry_refusal(o.industry, g.forbidden_industries),
        "offence": rules.offence_refusal(g.offence, o.excluded_offences),
        "excluded": rules.referred_or_declined_refusal((o.kind, o.id) in g.excluded),
    }


def check(matrix, gs, candidates, reasons_of) -> Counter:
    """Assert the matrix forbids exactly what the rules refuse; count the rules refusing alone."""
    alone = Counter()
    for gi, g in enumerate(gs):
        for ci, c in enumerate(candidates):
            refused = [name for name, reason in reasons_of(c, g).items() if reason]
            useful = scoring.coverage(c.serves, g.needs) > 0
            assert (matrix[gi, ci] == FORBIDDEN) == (bool(refused) or not useful), (g, c, refused)
            if len(refused) == 1 and useful:
                alone[refused[0]] += 1
    return alone


def test_the_people_matrix_forbids_exactly_what_the_rules_refuse():
    alone = Counter()
    for seed in SEEDS:
        rng = random.Random(seed)
        gs, ps = groups(rng, 12), people(rng, 25)
        alone += check(people_matrix(gs, ps), gs, ps, person_reasons)
    assert set(alone) == {"vetting", "capacity", "region", "juvenile", "excluded"}


def test_the_offers_matrix_forbids_exactly_what_the_rules_refuse():
    alone = Counter()
    for seed in SEEDS:
        rng = random.Random(1000 + seed)
        gs, os_ = groups(rng, 12), offers(rng, 25)
        alone += check(offers_matrix(gs, os_), gs, os_, offer_reasons)
    assert set(alone) == {"open", "places", "verified", "area", "industry", "offence", "excluded"}
