"""The coordinator's list of groups: one page of cards for the filters asked (#20).

Building the list's querysets (the coordinator's scope, the filters, the cards' joins and counts,
the page's slice) cost more Python than the database took to answer them. So each query is
compiled once per process for its shape, with stand-ins for the asked values, and run with the
request's values (portal.prepared). A shape is the coordinator's scope (the paths of their
regions) and which filters are asked; for a page past the first, its number too (the offset is
written into the SQL). The compiled shapes are kept per process, a bounded number.

A page is two queries: its cards (the first page's with the exact total, a deeper page's by the
ids and total its window query found, three then) and the cards' needs.
"""

from collections.abc import Hashable
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from groups import selectors
from groups.filters import narrowed
from groups.models import CorrectionGroup, GroupNeed, Membership
from portal.converters import parse_int
from portal.models import OffenceCategory, Region, User
from portal.prepared import Prepared, from_row, instance
from portal.selectors import role_region_paths

PAGE_SIZE = 25
ORDER = ("-created_at", "-id")
# Stand-ins for the asked values that reach the SQL (GroupFilter.asked): values no request asks.
_STAND_INS = {
    "code": "~code~",
    "status": "~status~",
    "stage": "~stage~",
    "supervision_level": "~level~",
    "offence": -7_204_911,
    "need": -7_204_912,
    "ends_from": date(1901, 3, 1),
    "ends_to": date(1901, 3, 31),
}
# A page's ids as stand-ins (the queries by id take a full page's; a shorter page is padded
# with NO_ID, an id no row has).
_ID_STAND_INS = {f"id{i}": -7_204_920 - i for i in range(PAGE_SIZE)}
NO_ID = 0


class _Total(Subquery):
    """The number of rows of a queryset, as a value of another query's row (evaluated once:
    it does not refer to the outer row)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) list_rows)"
    output_field = IntegerField()


def _cards(groups: QuerySet, *extra: str) -> QuerySet:
    """What a card shows of each group, as the values _card() loads (then `extra`)."""
    return groups.annotate(
        has_volunteer=selectors.has_volunteer(),
        # A correlated count, not a JOIN + GROUP BY.
        member_count=Coalesce(
            Subquery(
                Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True)
                .order_by()
                .values("group")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    ).values_list(*_CARD_COLUMNS, *_CARD_RELATED, "has_volunteer", "member_count", *extra)


_CARD_COLUMNS = [
    "id",
    "code",
    "status",
    "stage",
    "supervision_level",
    "is_juvenile",
    "planned_end_date",
    "judicial_office_id",
    "offence_id",
]
_CARD_RELATED = ["judicial_office__name", "offence__name_zh", "offence__name_en"]


def _card(row) -> CorrectionGroup:
    """A group loaded with what its card shows (as .only() would load it)."""
    group = from_row(CorrectionGroup, _CARD_COLUMNS, row)
    start = len(_CARD_COLUMNS)
    office, name_zh, name_en, group.has_volunteer, group.member_count = row[start : start + 5]
    group.judicial_office = instance(Region, id=group.judicial_office_id, name=office)
    group.offence = instance(OffenceCategory, id=group.offence_id, name_zh=name_zh, name_en=name_en)
    return group


# A deeper page's cards and every page's needs, by the page's ids.
_CARDS_BY_ID = Prepared(
    lambda **ids: _cards(CorrectionGroup.objects.filter(pk__in=list(ids.values()))).order_by(),
    **_ID_STAND_INS,
)
_NEEDS_BY_ID = Prepared(
    lambda **ids: (
        GroupNeed.objects.filter(group_id__in=list(ids.values()))
        .order_by()
        .values_list("group_id", "need_id", "priority")
    ),
    **_ID_STAND_INS,
)


def _by_id(prepared: Prepared, ids: list[int]) -> list[tuple]:
    padded = [*ids, *[NO_ID] * (PAGE_SIZE - len(ids))]
    return prepared.rows(**dict(zip(_ID_STAND_INS, padded, strict=True)))


# --- the shapes' queries -----------------------------------------------------------------------

_SHAPES: dict[tuple, Prepared] = {}
_SHAPES_MAX = 512


def _first_page(rows: QuerySet) -> QuerySet:
    """The first page's cards, newest first, each with the total of `rows`."""
    return _cards(
        CorrectionGroup.objects.filter(
            pk__in=rows.order_by(*ORDER).values("pk")[:PAGE_SIZE]
        ).annotate(list_total=_Total(rows.order_by().values("pk"))),
        "list_total",
    ).order_by(*ORDER)


def _deep_page(number: int):
    """Page `number`'s ids, each with the total of the rows: the total and the ids come off one
    scan (COUNT(*) OVER ()), where a COUNT(*) and an id query each joined and sorted every
    matching group (page 50 of a province: ~7 ms each, #20). The first page keeps its own
    total (_first_page), as its ids come cheaply off the newest-first index."""
    start = (number - 1) * PAGE_SIZE

    def query(rows: QuerySet) -> QuerySet:
        return (
            rows.order_by(*ORDER)
            .annotate(list_total=Window(Count("pk")))
            .values_list("pk", "list_total")[start : start + PAGE_SIZE]
        )

    return query


def _shape_rows(user: User, asked: dict, kind: Hashable, query) -> list[tuple]:
    """query(the coordinator's rows narrowed by `asked`), compiled once for this shape (`kind`
    names the query, and a deep page's number), run with the asked values."""
    scope = user.is_superuser or tuple(role_region_paths(user, role=selectors.COORDINATOR))
    key = (scope, tuple(asked), kind)
    prepared = _SHAPES.get(key)
    if prepared is None:
        base = selectors.group_list_for_coordinator(user)  # the scope: from the key's paths
        flags = {name: value for name, value in asked.items() if name not in _STAND_INS}
        prepared = Prepared(
            lambda **values: query(narrowed(base, {**values, **flags})),
            **{name: _STAND_INS[name] for name in asked if name in _STAND_INS},
        )
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        _SHAPES[key] = prepared
    return prepared.rows(**{name: value for name, value in asked.items() if name in _STAND_INS})


def group_list_page(user: User, asked: dict | None, number, needs: dict) -> Page:
    """The page `number` (as asked, Paginator.get_page's rules: a number past the end is the
    last page, anything else not a page number the first) of the coordinator's groups narrowed
    by `asked` (GroupFilter.asked; None for a bad filter: no rows), newest first, each with its
    card's text (with_card_text). `needs`: the Need rows by pk."""
    paginator = Paginator((), PAGE_SIZE)
    if asked is None:
        paginator.count = 0
        return paginator.get_page(1)
    # ASCII digits only ("²" is a digit to str.isdigit), and no page past a million: anything
    # else takes get_page's way below.
    asked_number = parse_int(number, low=1, high=1_000_000)
    if asked_number is not None and asked_number > 1:
        found = _shape_rows(user, asked, ("deep", asked_number), _deep_page(asked_number))
        if found:
            paginator.count = found[0][1]  # a cached_property: the total known, not asked again
            page = paginator.page(asked_number)
            page.object_list = _cards_by_id([pk for pk, _total in found], needs)
            return page
    first = _shape_rows(user, asked, "first", _first_page)
    paginator.count = first[0][-1] if first else 0
    page = paginator.get_page(number)
    if page.number == 1:
        page.object_list = with_card_text([_card(row) for row in first], needs)
    else:  # past the end: the last page
        found = _shape_rows(user, asked, ("deep", page.number), _deep_page(page.number))
        page.object_list = _cards_by_id([pk for pk, _total in found], needs)
    return page


def _cards_by_id(ids: list[int], needs: dict) -> list[CorrectionGroup]:
    position = {pk: i for i, pk in enumerate(ids)}
    groups = sorted((_card(row) for row in _by_id(_CARDS_BY_ID, ids)), key=lambda g: position[g.pk])
    return with_card_text(groups, needs)


def with_card_text(groups: list[CorrectionGroup], needs: dict) -> list[CorrectionGroup]:
    """The lines each card of the coordinator's list shows, made here as text (escaped by the
    template as one value): a dozen lookups, filters and tags per card in the template cost
    a list page more than its queries (#20). The needs of the groups are read as ids (one light
    query) and named from `needs` (Need rows by pk)."""
    by_group = {}
    if groups:
        for group_id, need_id, priority in _by_id(_NEEDS_BY_ID, [g.pk for g in groups]):
            by_group.setdefault(group_id, []).append((priority, needs[need_id]))
    juvenile = gettext("juvenile")
    planned = gettext("Planned end %(end)s · %(members)s members")
    # The choices' words, translated once a page: get_FOO_display() hashes the field's choices
    # on every call, two calls a card (about 1 ms a page, #20).
    stages, levels = (
        {value: str(label) for value, label in CorrectionGroup._meta.get_field(name).flatchoices}
        for name in ("stage", "supervision_level")
    )
    for group in groups:
        meta = [
            group.judicial_office.name,
            stages.get(group.stage, group.stage),
            levels.get(group.supervision_level, group.supervision_level),
            str(group.offence),
        ]
        if group.is_juvenile:
            meta.append(juvenile)
        # GroupNeed's own order: priority, then the need's position.
        group_needs = sorted(
            by_group.get(group.pk, ()), key=lambda pn: (pn[0], pn[1].position, pn[1].code)
        )
        group.card_url = reverse("groups:detail", args=[group.code])
        group.card_meta = " · ".join(meta)
        group.card_needs = "、".join(str(need) for _priority, need in group_needs)
        group.card_planned = planned % {
            "end": group.planned_end_date.isoformat() if group.planned_end_date else "",
            "members": group.member_count,
        }
    return groups
