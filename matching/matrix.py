"""Scores and hard constraints of many groups against many candidates at once, as numpy arrays.

The same arithmetic as scoring.score_person / score_offer, and the same hard rules as
groups.rules (which constraints.*_refusal apply one pair at a time; tests hold the three
together), but vectorised: a county refresh or a bulk assignment scores millions of pairs,
which one Python call per pair could not do in time. A pair that fails a hard constraint, or
answers none of the group's needs, is FORBIDDEN.
"""

from functools import lru_cache

import numpy as np

from groups.rules import execution_area
from matching import weights as w
from matching.assignment import FORBIDDEN
from matching.facts import GroupFacts, OfferFacts, PersonFacts
from portal.models import Region

PARTS = ("morning", "afternoon", "evening")
BENEFIT_NEED = {"housing": "housing", "meals": "health", "training": "vocational_skills"}


_SLOT_BIT = {(day, part): 1 << (day * 3 + i) for day in range(7) for i, part in enumerate(PARTS)}


@lru_cache(maxsize=4096)  # people share a few hundred patterns (read.slots_from_bits)
def _bits(slots) -> int:
    return sum(_SLOT_BIT[slot] for slot in slots)


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values).astype(np.int64)


def _coverage(groups, serves_of) -> np.ndarray:
    codes = sorted({c for g in groups for c in g.needs})
    index = {c: i for i, c in enumerate(codes)}
    need_weight = np.zeros((len(groups), len(codes)))
    for gi, g in enumerate(groups):
        for code, priority in g.needs.items():
            need_weight[gi, index[code]] = w.PRIORITY_WEIGHT[priority]
    serves = np.zeros((len(codes), len(serves_of)))
    for ci, candidate_serves in enumerate(serves_of):
        for code in candidate_serves:
            if code in index:
                serves[index[code], ci] = 1.0
    totals = need_weight.sum(axis=1)[:, None]
    covered = need_weight @ serves
    return np.divide(covered, totals, out=np.zeros_like(covered), where=totals > 0)


def _near(groups, region_paths_of, *, covering: bool):
    """Closeness weight per (group, candidate), and whether one of the candidate's regions
    contains the group's office; computed once per distinct office."""
    offices = sorted({g.office_path for g in groups})
    near = np.zeros((len(offices), len(region_paths_of)))
    covers = np.zeros((len(offices), len(region_paths_of)), dtype=bool)
    # Candidates serve a few hundred distinct regions at most: each office is compared with
    # each distinct region once, and a candidate takes the best of its regions' (by index).
    regions = sorted({p for paths in region_paths_of for p in paths})
    index = {p: i for i, p in enumerate(regions)}
    owner = np.array([ci for ci, paths in enumerate(region_paths_of) for _ in paths], dtype=np.intp)
    region = np.array([index[p] for paths in region_paths_of for p in paths], dtype=np.intp)
    for oi, office in enumerate(offices):
        levels = np.array([Region.shared_level(p, office) for p in regions], dtype=np.int64)
        level = np.zeros(len(region_paths_of), dtype=np.int64)  # max(..., default=0)
        np.maximum.at(level, owner, levels[region])
        closeness = [w.CLOSENESS.get(x, 0.0) for x in range(int(level.max(initial=0)) + 1)]
        near[oi] = np.array(closeness)[level]
        if covering:
            inside = np.array([office.startswith(p) for p in regions], dtype=bool)
            np.logical_or.at(covers[oi], owner, inside[region])
    row_of = {office: oi for oi, office in enumerate(offices)}
    rows = np.array([row_of[g.office_path] for g in groups], dtype=np.int64)
    return near[rows], covers[rows]


def _exclude(ok: np.ndarray, groups, candidates) -> None:
    where = {(c.kind, c.id): ci for ci, c in enumerate(candidates)}
    for gi, g in enumerate(groups):
        for key in g.excluded:
            if key in where:
                ok[gi, where[key]] = False


def people_matrix(groups: list[GroupFacts], people: list[PersonFacts]) -> np.ndarray:
    """scores[g, p] of person p for group g, FORBIDDEN where a hard constraint fails."""
    shape = (len(groups), len(people))
    if not all(shape):
        return np.full(shape, FORBIDDEN)
    coverage = _coverage(groups, [p.serves for p in people])
    score = w.COVERAGE * coverage
    near, covers = _near(groups, [p.region_paths for p in people], covering=True)
    score = score + w.REGION * near

    group_bits = np.array([_bits(g.slots) for g in groups], dtype=np.int64)
    person_bits = np.array([_bits(p.slots) for p in people], dtype=np.int64)
    common = _popcount(group_bits[:, None] & person_bits[None, :])
    wanted = _popcount(group_bits)[:, None]
    availability = np.where(
        wanted > 0,
        np.divide(w.AVAILABILITY * common, wanted, out=np.zeros(shape), where=wanted > 0),
        np.where(person_bits > 0, float(w.AVAILABILITY), 0.0)[None, :],
    )
    score = score + availability

    languages = sorted({x for g in groups for x in g.languages})
    if languages:
        g_lang = np.array([[x in g.languages for x in languages] for g in groups], dtype=float)
        p_lang = np.array([[x in p.languages for x in languages] for p in people], dtype=float)
        score = score + np.where(g_lang @ p_lang.T > 0, float(w.LANGUAGE), 0.0)

    strict = np.array([g.supervision_level == "strict" for g in groups])
    qualification = np.array([w.QUALIFICATION * p.qualification / 3 for p in people])
    score = score + np.where(strict[:, None] & (qualification > 0)[None, :], qualification, 0.0)
    load = np.array([w.LOAD * p.capacity / max(p.max_groups, 1) for p in people])
    score = np.round(score + load[None, :], 2)

    able = np.array([p.vetted and not p.suspended and p.capacity > 0 for p in people])
    cleared = np.array([p.cleared_for_juveniles for p in people])
    juvenile = np.array([g.is_juvenile for g in groups])
    ok = able[None, :] & covers & (coverage > 0) & ~(juvenile[:, None] & ~cleared[None, :])
    _exclude(ok, groups, people)
    return np.where(ok, score, FORBIDDEN)


def offers_matrix(groups: list[GroupFacts], offers: list[OfferFacts]) -> np.ndarray:
    """scores[g, o] of offer o for group g, FORBIDDEN where a hard constraint fails."""
    shape = (len(groups), len(offers))
    if not all(shape):
        return np.full(shape, FORBIDDEN)
    coverage = _coverage(groups, [o.serves for o in offers])
    score = w.COVERAGE * coverage
    near, _ = _near(groups, [o.region_paths for o in offers], covering=False)
    score = score + w.REGION * near
    is_job = np.array([o.kind == "job" for o in offers])
    benefits = sorted(BENEFIT_NEED)
    g_ben = np.array([[BENEFIT_NEED[b] in g.needs for b in benefits] for g in groups], dtype=float)
    o_ben = np.array([[b in o.benefits for b in benefits] for o in offers], dtype=float)
    useful = g_ben @ o_ben.T
    score = score + np.where(is_job[None, :] & (useful > 0), w.BENEFITS * useful / 3, 0.0)
    salary = np.array(
        [w.SALARY * min(o.salary_min / w.SALARY_FULL, 1.0) if o.salary_min else 0.0 for o in offers]
    )
    score = np.round(score + np.where(is_job, salary, 0.0)[None, :], 2)

    able = np.array([o.open and o.places_left > 0 and o.verified for o in offers])
    ok = able[None, :] & (coverage > 0)
    areas = {}
    # Industries and excluded offences by value, once: a group then looks up the offers in its
    # forbidden industries and those excluding its offence (most groups forbid none, and few
    # offers exclude any) instead of testing every offer.
    by_industry, by_offence = {}, {}
    for oi, o in enumerate(offers):
        if o.industry:
            by_industry.setdefault(o.industry, []).append(oi)
        for code in o.excluded_offences:
            by_offence.setdefault(code, []).append(oi)
    for gi, g in enumerate(groups):
        area = execution_area(g.approved_paths, g.office_path)
        if area not in areas:
            areas[area] = np.array(
                [any(loc.startswith(a) for loc in o.region_paths for a in area) for o in offers]
            )
        ok[gi] &= areas[area]
        for industry in g.forbidden_industries:
            ok[gi, by_industry.get(industry, [])] = False
        if g.offence:
            ok[gi, by_offence.get(g.offence, [])] = False
    _exclude(ok, groups, offers)
    return np.where(ok, score, FORBIDDEN)
