"""Group facts for matching, read from the database in a fixed number of queries."""

from collections import defaultdict
from functools import lru_cache

from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from groups.models import CorrectionGroup, GroupNeed, MatchDecline, Membership
from matching.facts import GroupFacts, Slot

# People are matched by user id, whichever kind they are.
PERSON_KINDS = ("volunteer", "social_worker")
PARTS = ("morning", "afternoon", "evening")
# A referral that is still live (or ended in hiring) keeps its posting from being suggested again.
DEAD_REFERRALS = ("declined", "withdrawn")


ALL_SLOTS = tuple((i // 3, PARTS[i % 3]) for i in range(21))


# The slots of each byte of the bits, by the byte's value: three look-ups instead of 21 tests
# (a province has thousands of distinct patterns, more than the cache below keeps).
_BYTE_SLOTS = tuple(
    tuple(
        tuple(ALL_SLOTS[shift + i] for i in range(8) if value >> i & 1 and shift + i < 21)
        for value in range(256)
    )
    for shift in (0, 8, 16)
)


@lru_cache(maxsize=4096)  # read for every candidate; people share a few hundred patterns
def slots_from_bits(bits: int) -> frozenset[Slot]:
    """The 21-bit weekly availability (day * 3 + part, Monday morning bit 0) as slots."""
    low, middle, high = _BYTE_SLOTS
    return frozenset(low[bits & 255] + middle[bits >> 8 & 255] + high[bits >> 16 & 255])


def term_name(name_zh: str, name_en: str) -> str:
    """A managed term's name in the active language, as Term.__str__ shows it."""
    return name_en if (get_language() or "").startswith("en") else name_zh


def _excluded(ids) -> dict[int, set]:
    """Who and what each group already has or turned down: members past and present, declined
    suggestions and live referrals, in one query (a UNION of three)."""
    from partners.models import Referral

    # Each part unordered: SQLite refuses ORDER BY inside a compound statement.
    members = (
        Membership.objects.filter(group_id__in=ids)
        .order_by()
        .values_list("group_id", Value("person", output_field=CharField()), "user_id")
    )
    declines = (
        MatchDecline.objects.filter(group_id__in=ids)
        .order_by()
        .values_list("group_id", "candidate_kind", "candidate_id")
    )
    referrals = (
        Referral.objects.filter(group_id__in=ids)
        .exclude(status__in=DEAD_REFERRALS)
        .order_by()
        .values_list(
            "group_id",
            Case(
                When(job__isnull=False, then=Value("job")),
                default=Value("programme"),
                output_field=CharField(),
            ),  # fmt: skip
            Coalesce(F("job_id"), F("programme_id")),
        )
    )
    excluded = defaultdict(set)
    for group_id, kind, candidate in members.union(declines, referrals, all=True).order_by():
        if kind == "person":
            excluded[group_id].update((k, candidate) for k in PERSON_KINDS)
        else:
            excluded[group_id].add((kind, candidate))
    return excluded


def _links(ids) -> tuple[dict, dict, dict, dict]:
    """Each group's needs (code -> priority), execution area (region paths), forbidden
    industries (codes) and languages (names shown), in one query (a UNION of four)."""

    def tag(text):
        return Value(text, output_field=CharField())

    none = Value(0, output_field=IntegerField())
    links = CorrectionGroup.approved_regions.through, CorrectionGroup.forbidden_industries.through
    # The name shown (term_name), chosen in SQL: one text column fits all four parts.
    language = (
        "language__name_en" if (get_language() or "").startswith("en") else "language__name_zh"
    )
    parts = [
        GroupNeed.objects.filter(group_id__in=ids).values_list(
            "group_id", tag("need"), "need__code", "priority"
        ),
        links[0]
        .objects.filter(correctiongroup_id__in=ids)
        .values_list("correctiongroup_id", tag("area"), "region__path", none),
        links[1]
        .objects.filter(correctiongroup_id__in=ids)
        .values_list("correctiongroup_id", tag("industry"), "industry__code", none),
        CorrectionGroup.languages.through.objects.filter(correctiongroup_id__in=ids).values_list(
            "correctiongroup_id", tag("language"), language, none
        ),
    ]
    # Each part unordered: SQLite refuses ORDER BY inside a compound statement.
    first, *rest = (part.order_by() for part in parts)
    needs, areas, industries, languages = (defaultdict(dict), defaultdict(list),
                                           defaultdict(set), defaultdict(set))  # fmt: skip
    for group_id, part, text, number in first.union(*rest, all=True).order_by():
        if part == "need":
            needs[group_id][text] = number
        elif part == "area":
            areas[group_id].append(text)
        elif part == "industry":
            industries[group_id].add(text)
        else:
            languages[group_id].add(text)
    return needs, areas, industries, languages


def group_facts(groups, *, needs_only: dict[int, set] | None = None) -> list[GroupFacts]:
    """Facts of the given groups (a queryset or list), 3 queries whatever their number.

    `needs_only` narrows each group's needs to the given codes (its unmet needs, say)."""
    if hasattr(groups, "select_related"):
        groups = groups.select_related("judicial_office", "offence")
    groups = list(groups)
    ids = [g.pk for g in groups]
    needs, areas, industries, languages = _links(ids)
    if needs_only is not None:
        for pk, wanted in needs.items():
            needs[pk] = {code: p for code, p in wanted.items() if code in needs_only.get(pk, ())}
    excluded = _excluded(ids)
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
            languages=frozenset(languages[g.pk]),
            slots=slots_from_bits(g.slots),
            excluded=frozenset(excluded[g.pk]),
        )
        for g in groups
    ]


def unmet_needs(group_ids) -> dict[int, set[str]]:
    """Each group's needs that no active member's skills serve, in one query."""
    from volunteers.models import VolunteerProfile

    # Status compared in Python: in SQL, SQLite (no statistics) would start from the status
    # index, i.e. from every approved profile, instead of from these groups' memberships.
    approved = VolunteerProfile.Status.APPROVED
    served = {
        (group_id, code)
        for group_id, status, code in Membership.objects.filter(
            group_id__in=group_ids, left_at__isnull=True
        ).values_list(
            "group_id",
            "user__volunteer_profile__status",
            "user__volunteer_profile__skills__serves__code",
        )
        if status == approved
    }
    unmet = defaultdict(set)
    for group_id, code in GroupNeed.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "need__code"
    ):
        if (group_id, code) not in served:
            unmet[group_id].add(code)
    return unmet
