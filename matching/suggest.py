"""The matching engine's entry points: suggestions for one group or many, whether one candidate
may still be accepted, a coordinator's region overview and the optimal bulk proposal.

Every function reads in a fixed number of queries whatever the data size: group facts (3),
people (5: the skills serving the needs, who serves and what from their stored serving facts,
their profile rows, region and language names; for one group's lists, the load, name and
regions' names of a shortlist: 1 or 2 more, _with_load), offers (2 candidate queries + 3 for facts).
Scoring runs on numpy arrays (matching.matrix); the reasons shown come from the scalar scoring
functions for the few candidates that make a list.

Candidates are people (user id, as MatchDecline.candidate_id) and postings (posting id).
"""

import time
from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from groups import rules
from groups.models import CorrectionGroup, GroupNeed, Membership
from matching import assignment, candidates, constraints, scoring
from matching.assignment import FORBIDDEN
from matching.facts import GroupFacts, OfferFacts, PersonFacts
from matching.matrix import offers_matrix, people_matrix
from matching.read import group_facts, unmet_needs
from portal.models import Region

KINDS = ("social_worker", "volunteer", "job", "programme")
PEOPLE = ("social_worker", "volunteer")
OFFERS = ("job", "programme")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "social_worker" | "volunteer" | "job" | "programme"
    id: int  # user id for people, posting id for jobs and programmes
    label: str  # the person's display name or the posting's title
    score: float
    reasons: tuple[str, ...]  # translated phrases, as scoring.py builds them
    detail: str = ""  # the organisation for offers, the nearest region served for people


@dataclass(frozen=True)
class BulkProposal:
    rows: list[tuple[CorrectionGroup, Suggestion]]
    total: float
    greedy_total: float
    seconds: float


def _empty() -> dict[str, list[Suggestion]]:
    return {kind: [] for kind in KINDS}


def _pool(facts: list[GroupFacts], per_kind: int) -> candidates.Pool:
    """Every candidate that could serve one of the groups (by region and need, in SQL)."""
    pool = candidates.Pool()
    need_codes = {c for g in facts for c in g.needs}
    if not need_codes:
        return pool
    offices = {g.office_path for g in facts}
    shortlist = 0 < len(facts) * per_kind <= SHORTLIST_UPTO
    candidates.serving_facts(
        office_paths=offices,
        needs=need_codes,
        pool=pool,
        languages=any(g.languages for g in facts),
        spare=True,
        live=not shortlist,
    )
    if shortlist:
        pool.people = _with_load(facts, pool.people, per_kind)
        candidates.region_names([p.region_paths for p in pool.people], pool)
    areas = {a for g in facts for a in constraints.execution_area(g)}
    candidates.offer_facts(
        candidates.jobs_queryset(area_paths=areas, need_codes=need_codes),
        candidates.programmes_queryset(area_paths=areas, need_codes=need_codes),
        pool,
        spare=True,
    )
    return pool


# Whose load is read before the lists are known: per group and kind, those whose best possible
# score is among the best SHORTLIST * per_kind (ties included).
SHORTLIST = 4
# A shortlist pays when it is a small part of those serving: for one group's lists (some forty
# of a thousand at province scale), not for the overview's fifty groups (more than half of the
# 1,700 serving their offices made its shortlist, read in a query of their own).
SHORTLIST_UPTO = 20  # list places, groups times per_kind


def _with_load(facts: list[GroupFacts], people: list[PersonFacts], per_kind: int):
    """The people (read without their load and name) that can make one of the groups' lists of
    `per_kind`, with both read live (candidates.live_people): 1 query, 2 when the first look
    does not settle the lists. The lists are the same as with everyone's load read.

    A person's load only lowers their score (less spare capacity) or rules them out (none
    left): scored as if free, each score is the most they can reach. The load is read for the
    shortlist, those best by that bound; a list is settled when its last place scores, with
    loads read, above the bound of everyone not read. Where a list is not settled (a shortlist
    mostly at capacity, ties at the edge), everyone else's load is read too. For a thousand
    candidates serving one office, some forty are read instead of all."""
    if not people:
        return people
    if len(facts) * per_kind * SHORTLIST * len(PEOPLE) >= len(people):
        return candidates.live_people(people)  # a shortlist would hold most of them
    bound = people_matrix(facts, people)
    kinds = np.array([p.kind for p in people], dtype=object)
    short = np.zeros(len(people), dtype=bool)
    for kind in PEOPLE:
        cols = np.flatnonzero(kinds == kind)
        take = min(per_kind * SHORTLIST, len(cols))
        if not take:
            continue
        scores = bound[:, cols]
        edge = np.partition(scores, len(cols) - take, axis=1)[:, len(cols) - take]
        short[cols[((scores >= edge[:, None]) & (scores > FORBIDDEN)).any(axis=0)]] = True
    live = candidates.live_people([people[i] for i in np.flatnonzero(short)])
    if _settled(facts, per_kind, live, bound[:, ~short], kinds[~short]):
        return live
    return live + candidates.live_people([people[i] for i in np.flatnonzero(~short)])


def _settled(facts, per_kind, live, unread_bound, unread_kinds) -> bool:
    """Whether no one unread can make a list: for every group and kind, the per_kind-th best
    score among those read (loads known) is above the best bound of those not read."""
    exact = people_matrix(facts, live)
    live_kinds = np.array([p.kind for p in live], dtype=object)
    for kind in PEOPLE:
        unread = unread_bound[:, unread_kinds == kind]
        if not unread.size:
            continue
        best_unread = unread.max(axis=1)
        cols = exact[:, live_kinds == kind]
        if cols.shape[1] < per_kind:
            last = np.full(len(facts), FORBIDDEN)
        else:
            last = np.partition(cols, cols.shape[1] - per_kind, axis=1)[:, cols.shape[1] - per_kind]
        if np.any((best_unread > FORBIDDEN) & ~(last > best_unread)):
            return False
    return True


def _nearest_region(person: PersonFacts, group: GroupFacts, names: dict[str, str]) -> str:
    paths = sorted(person.region_paths, key=lambda p: -Region.shared_level(p, group.office_path))
    return names.get(paths[0], "") if paths else ""


def _suggestion(
    candidate, group: GroupFacts, pool: candidates.Pool, reasons: bool = True
) -> Suggestion:
    if isinstance(candidate, PersonFacts):
        scored = scoring.score_person(candidate, group, explain=reasons)
        label, detail = candidate.name, _nearest_region(candidate, group, pool.region_names)
    else:
        scored = scoring.score_offer(candidate, group, explain=reasons)
        label = candidate.title
        detail = pool.organisation.get((candidate.kind, candidate.id), "")
    return Suggestion(candidate.kind, candidate.id, label, scored.score, scored.reasons, detail)


def _plain(candidate, score: float, pool: candidates.Pool) -> Suggestion:
    """A suggestion without its reasons (the refresh needs only who and how good)."""
    if isinstance(candidate, PersonFacts):
        return Suggestion(candidate.kind, candidate.id, candidate.name, score, ())
    detail = pool.organisation.get((candidate.kind, candidate.id), "")
    return Suggestion(candidate.kind, candidate.id, candidate.title, score, (), detail)


def _best(
    facts: list[GroupFacts], pool: candidates.Pool, per_kind: int, explained=True, reasons=True
):
    """For each group, the best `per_kind` candidates of each kind, best first."""
    people_scores = people_matrix(facts, pool.people)
    offer_scores = offers_matrix(facts, pool.offers)
    columns = {}
    for kind in KINDS:
        source = pool.people if kind in PEOPLE else pool.offers
        columns[kind] = [i for i, c in enumerate(source) if c.kind == kind]
    ids = {
        kind: np.array(
            [(pool.people if kind in PEOPLE else pool.offers)[i].id for i in columns[kind]],
            dtype=np.int64,
        )
        for kind in KINDS
    }
    # Each kind's columns gathered once, not once a group.
    by_kind = {
        kind: (people_scores if kind in PEOPLE else offer_scores)[:, columns[kind]]
        for kind in KINDS
    }
    result = []
    for gi, group in enumerate(facts):
        lists = _empty()
        for kind in KINDS:
            source = pool.people if kind in PEOPLE else pool.offers
            cols = columns[kind]
            if not cols:
                continue
            row = by_kind[kind][gi]
            allowed = np.flatnonzero(row > FORBIDDEN)
            if 0 < per_kind < len(allowed):
                # Only those scoring at least the per_kind-th best can make the list (ties
                # included), so a thousand candidates need not all be sorted.
                floor = np.partition(row[allowed], len(allowed) - per_kind)[-per_kind]
                allowed = allowed[row[allowed] >= floor]
            # Best score first, ties broken by id, so lists are stable between refreshes.
            order = allowed[np.lexsort((ids[kind][allowed], -row[allowed]))][:per_kind]
            lists[kind] = [
                _suggestion(source[cols[i]], group, pool, reasons)
                if explained
                else _plain(source[cols[i]], float(row[i]), pool)
                for i in order
            ]
        result.append(lists)
    return result


def suggestions_for_groups(
    groups, *, per_kind: int = 5, needs_only=None, explained=True, reasons=True
):
    """[(group, {kind: [Suggestion]})] for many groups at once, in constant queries; without
    `explained`, suggestions carry no reasons (and no region detail for people) and their
    score is the matrix's; without `reasons`, the same suggestions and scores as explained
    ones, with their details but without the reasons (for lists that show none)."""
    if hasattr(groups, "select_related"):
        groups = groups.select_related("judicial_office", "offence")
    groups = list(groups)
    facts = group_facts(groups, needs_only=needs_only)
    pool = _pool(facts, per_kind)
    return list(zip(groups, _best(facts, pool, per_kind, explained, reasons), strict=True))


def suggestions_for_group(group: CorrectionGroup, *, per_kind: int = 5) -> dict:
    """{kind: [Suggestion]} for one group, every kind present, best first, hard constraints
    applied. A group with no needs (or a closed one) gets empty lists."""
    if group.status != CorrectionGroup.Status.ACTIVE:
        return _empty()
    loaded = all(
        field.is_cached(group)
        for field in (CorrectionGroup.judicial_office.field, CorrectionGroup.offence.field)
    )
    # The group as given when its office and offence came with it (the page's own read), so
    # it is not read again.
    groups = [group] if loaded else CorrectionGroup.objects.filter(pk=group.pk)
    ((_, lists),) = suggestions_for_groups(groups, per_kind=per_kind)
    return lists


# ---------------------------------------------------------------------------
# One candidate, now (accepting a suggestion)
# ---------------------------------------------------------------------------


def lock_candidate(kind: str, candidate_id: int):
    """Lock the row that guards a candidate's capacity, inside the caller's transaction:
    the VolunteerProfile of a person (load is counted from memberships, so every acceptance of
    that person queues here), the JobPlacement or Programme row of an offer. Returns the row,
    or None when there is no such candidate. The caller also locks the group
    (CorrectionGroup.objects.select_for_update()) and then calls candidate_refusal."""
    from partners.models import JobPlacement, Programme
    from volunteers.models import VolunteerProfile

    if kind in PEOPLE:
        rows = VolunteerProfile.objects.filter(user_id=candidate_id)
    elif kind == "job":
        rows = JobPlacement.objects.filter(pk=candidate_id)
    elif kind == "programme":
        rows = Programme.objects.filter(pk=candidate_id)
    else:
        return None
    return rows.select_for_update().first()


def candidate_refusal(group: CorrectionGroup, kind: str, candidate_id: int) -> str | None:
    """Why this candidate may not be accepted for this group now, translated, or None.

    Reads fresh rows (call it after lock_candidate and locking the group, in the same
    transaction): suspension, capacity left, juvenile clearance, region, posting open and not
    full, the group's restrictions (partners.eligibility), already in or declined."""
    from partners import eligibility
    from partners.models import JobPlacement, Programme
    from volunteers.models import VolunteerProfile

    group = CorrectionGroup.objects.select_related("judicial_office", "offence").get(pk=group.pk)
    if closed := rules.closed_group_refusal(group.status != CorrectionGroup.Status.ACTIVE):
        return closed
    (facts,) = group_facts([group])
    if kind in PEOPLE:
        profiles = VolunteerProfile.objects.filter(user_id=candidate_id, kind=kind)
        pool = candidates.person_facts(profiles)
        if not pool.people:
            return _("no such volunteer or social worker")
        return constraints.person_refusal(pool.people[0], facts)
    if kind not in OFFERS:
        return _("unknown kind of suggestion")
    model = JobPlacement if kind == "job" else Programme
    posting = model.objects.select_related("organisation", *(["industry"] if kind == "job" else []))
    posting = posting.filter(pk=candidate_id).first()
    if posting is None:
        return _("no such job or programme")
    pool = candidates.offer_facts(
        JobPlacement.objects.filter(pk=candidate_id if kind == "job" else None),
        Programme.objects.filter(pk=candidate_id if kind == "programme" else None),
    )
    offer: OfferFacts = pool.offers[0]
    return rules.first(
        rules.open_refusal(offer.open),
        rules.places_refusal(offer.places_left),
        rules.verification_refusal(offer.verified),
        rules.referred_or_declined_refusal((kind, candidate_id) in facts.excluded),
        *eligibility.posting_refusals(group, posting),
    )


# ---------------------------------------------------------------------------
# A coordinator's region
# ---------------------------------------------------------------------------


def _unmet():
    """A group (OuterRef) has a need no active approved member serves."""
    from volunteers.models import VolunteerProfile

    served = Membership.objects.filter(
        group=OuterRef("group"),
        left_at__isnull=True,
        user__volunteer_profile__status=VolunteerProfile.Status.APPROVED,
        user__volunteer_profile__skills__serves=OuterRef("need"),
    )
    return Exists(GroupNeed.objects.filter(group=OuterRef("pk")).exclude(Exists(served)))


def _coordinated(user, region=None):
    from groups.selectors import groups_coordinated_by

    groups = groups_coordinated_by(user).filter(status=CorrectionGroup.Status.ACTIVE)
    if region is not None:
        groups = groups.filter(judicial_office__path__startswith=region.path)
    return groups


def groups_with_unmet_needs(user, *, region=None):
    """Active groups the user coordinates (under `region` if given) with at least one need no
    active approved member serves."""
    return _coordinated(user, region).filter(_unmet())


# The overview looks at up to this many groups per group it shows before falling back to the
# plain filter (a region where most groups are fully served).
OVERVIEW_WINDOW = 4
OVERVIEW_ORDER = ("judicial_office__path", "-created_at", "-id")


def _overview_groups(user, limit: int) -> tuple[list, dict[int, set[str]]]:
    """The first `limit` groups with unmet needs in the overview's order (office by office,
    newest first within one), and those needs.

    The first groups in that order are read (the index on office and status serves it) and
    their unmet needs worked out (read.unmet_needs, needed for the page anyway): as an SQL
    filter the test anti-joined every need of the province before the sort (~0.5 s). The same
    groups either way; if the window holds too few, the plain filter decides."""
    ordered = _coordinated(user).order_by(*OVERVIEW_ORDER)
    window = limit * OVERVIEW_WINDOW
    ids = list(ordered.values_list("pk", flat=True)[:window])
    unmet = unmet_needs(ids)
    chosen = [pk for pk in ids if unmet.get(pk)][:limit]
    if len(chosen) < limit and len(ids) == window:
        chosen = list(ordered.filter(_unmet()).values_list("pk", flat=True)[:limit])
        unmet = unmet_needs(chosen)
    rank = {pk: i for i, pk in enumerate(chosen)}
    groups = CorrectionGroup.objects.filter(pk__in=chosen).select_related(
        "judicial_office", "offence"
    )
    return sorted(groups, key=lambda g: rank[g.pk]), unmet


def region_overview(user, *, per_group: int = 3, limit: int = 50, reasons: bool = True):
    """[(group, {kind: [Suggestion]})] for the groups with unmet needs in the regions the user
    coordinates, each with its best candidates for the needs still unmet (without `reasons`:
    the same, their reasons left out; the overview page shows names and scores).

    Office by office (newest first within one), so a page draws on the candidates of a few
    offices rather than of the whole province."""
    groups, unmet = _overview_groups(user, limit)
    if not groups:
        return []
    return suggestions_for_groups(groups, per_kind=per_group, needs_only=unmet, reasons=reasons)


def region_proposal(user, *, region=None) -> BulkProposal:
    """The assignment of volunteers and social workers to the groups with unmet needs in the
    user's region (or `region` within it) that maximises the total score within every
    person's spare capacity, at most one new person per group (assignment.optimal), with the
    greedy total on the same matrix for comparison."""
    from portal.selectors import user_covers_region

    if region is not None and not (
        user.is_superuser or user_covers_region(user, region, role="coordinator")
    ):
        raise Http404
    groups = list(
        groups_with_unmet_needs(user, region=region)
        .select_related("judicial_office", "offence")
        .order_by("code")
    )
    if not groups:
        return BulkProposal([], 0.0, 0.0, 0.0)
    unmet = unmet_needs([g.pk for g in groups])
    facts = group_facts(groups, needs_only=unmet)
    pool = candidates.Pool()
    need_codes = {c for g in facts for c in g.needs}
    candidates.serving_facts(
        office_paths={g.office_path for g in facts},
        needs=need_codes,
        pool=pool,
        languages=any(g.languages for g in facts),
        spare=True,
    )
    return propose(groups, facts, pool)


def propose(groups, facts, pool) -> BulkProposal:
    start = time.perf_counter()
    scores = people_matrix(facts, pool.people)
    capacity = [p.capacity for p in pool.people]
    best = assignment.optimal(scores, capacity)
    seconds = time.perf_counter() - start
    yardstick = assignment.greedy(scores, capacity)
    rows = [(groups[g], _suggestion(pool.people[p], facts[g], pool)) for g, p, _score in best.pairs]
    return BulkProposal(rows, best.total, yardstick.total, round(seconds, 4))
