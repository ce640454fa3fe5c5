"""Group facts for matching, read from the database in a fixed number of queries."""

from collections import defaultdict

from groups.matching.facts import GroupFacts
from groups.models import CorrectionGroup, GroupNeed, MatchDecline, Membership

# People are matched by user id, whichever kind they are.
PERSON_KINDS = ("volunteer", "social_worker")


def group_facts(groups) -> list[GroupFacts]:
    """Facts of the given groups (a queryset or list), 6 queries whatever their number."""
    if hasattr(groups, "select_related"):
        groups = groups.select_related("judicial_office", "offence")
    groups = list(groups)
    ids = [g.pk for g in groups]
    needs = defaultdict(dict)
    for group_id, code, priority in GroupNeed.objects.filter(group_id__in=ids).values_list(
        "group_id", "need__code", "priority"
    ):
        needs[group_id][code] = priority
    areas = defaultdict(list)
    for group_id, path in CorrectionGroup.approved_regions.through.objects.filter(
        correctiongroup_id__in=ids
    ).values_list("correctiongroup_id", "region__path"):
        areas[group_id].append(path)
    industries = defaultdict(set)
    for group_id, code in CorrectionGroup.forbidden_industries.through.objects.filter(
        correctiongroup_id__in=ids
    ).values_list("correctiongroup_id", "industry__code"):
        industries[group_id].add(code)
    excluded = defaultdict(set)
    # Anyone who is or ever was in the group is not suggested again, nor anyone declined.
    for group_id, user_id in Membership.objects.filter(group_id__in=ids).values_list(
        "group_id", "user_id"
    ):
        excluded[group_id].update((kind, user_id) for kind in PERSON_KINDS)
    for group_id, kind, candidate in MatchDecline.objects.filter(group_id__in=ids).values_list(
        "group_id", "candidate_kind", "candidate_id"
    ):
        excluded[group_id].add((kind, candidate))
    return [
        GroupFacts(
            id=g.pk,
            code=g.code,
            office_path=g.judicial_office.path,
            needs=needs[g.pk],
            supervision_level=g.supervision_level,
            is_juvenile=g.is_juvenile,
            offence=g.offence.code,
            approved_paths=tuple(sorted(areas[g.pk])),
            forbidden_industries=frozenset(industries[g.pk]),
            excluded=frozenset(excluded[g.pk]),
        )
        for g in groups
    ]
