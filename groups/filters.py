from operator import attrgetter

import django_filters
from django import forms
from django.db.models import Value
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, Need
from groups.selectors import ending_window, groups_ending_between
from portal.models import OffenceCategory
from portal.prepared import Prepared, columns, from_row

_INVALID = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}
_REFERENCE_FIELDS = {"offence": OffenceCategory, "need": Need}


# The two reference lists (Term's columns, the same in both tables) in one query, compiled once
# per process (portal.prepared): two querysets built and run each request cost the list a query
# and their building (#20). Each list in its model's own order.
_TERM_COLUMNS = columns(Need)
_TERMS = Prepared(
    lambda: (
        Need.objects.order_by()
        .annotate(list=Value("need"))
        .values_list(*_TERM_COLUMNS, "list")
        .union(
            OffenceCategory.objects.order_by()
            .annotate(list=Value("offence"))
            .values_list(*_TERM_COLUMNS, "list"),
            all=True,
        )
    )
)


def reference_lists() -> dict[str, list]:
    """The needs and the offence categories, by the filter's names for them."""
    terms = {name: [] for name in _REFERENCE_FIELDS}
    for *values, name in _TERMS.rows():
        model = _REFERENCE_FIELDS[name]
        terms[name].append(from_row(model, _TERM_COLUMNS, values))
    return {
        name: sorted(found, key=attrgetter(*_REFERENCE_FIELDS[name]._meta.ordering))
        for name, found in terms.items()
    }


class GroupFilter(django_filters.FilterSet):
    """The coordinator's list filters; values in the query string are codes, not ids. What the
    asked values do to the rows is narrowed()'s, from asked()."""

    code = django_filters.CharFilter(label=_("Code"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CorrectionGroup.Status.choices)
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=CorrectionGroup._meta.get_field("stage").choices
    )
    supervision_level = django_filters.ChoiceFilter(
        label=_("Supervision level"),
        choices=CorrectionGroup._meta.get_field("supervision_level").choices,
    )
    # Codes checked against the reference lists read once in __init__ (as a ModelChoiceFilter
    # would, with its words for a bad value), not by a query of their own (#20).
    offence = django_filters.ChoiceFilter(label=_("Offence category"), error_messages=_INVALID)
    need = django_filters.ChoiceFilter(label=_("Need"), error_messages=_INVALID)
    no_volunteer = django_filters.BooleanFilter(
        label=_("Has no volunteer yet"), widget=forms.CheckboxInput
    )
    ends_soon = django_filters.BooleanFilter(
        label=_("Ends within 30 days"), widget=forms.CheckboxInput
    )

    class Meta:
        model = CorrectionGroup
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # The two reference lists, read once a request: the form's choices and their check,
        # the cached form's key (form_html) and the cards' need names (with_card_text).
        self.terms = reference_lists()
        for name, terms in self.terms.items():
            self.filters[name].extra["choices"] = [(term.code, str(term)) for term in terms]

    def asked(self) -> dict:
        """The filters asked of a valid form, as narrowed() takes them: the values their SQL
        compares with by name (a code as its term's id, "ends within 30 days" as its first and
        last dates as ends_from and ends_to), and no_volunteer as True."""
        if not self.is_bound:
            return {}
        data = self.form.cleaned_data
        asked = {
            name: data[name]
            for name in ("code", "status", "stage", "supervision_level")
            if data.get(name)
        }
        for name in _REFERENCE_FIELDS:
            if data.get(name):
                asked[name] = next(t.pk for t in self.terms[name] if t.code == data[name])
        if data.get("no_volunteer"):
            asked["no_volunteer"] = True
        if data.get("ends_soon"):
            asked["ends_from"], asked["ends_to"] = ending_window(ENDS_SOON_DAYS)
        return asked

    def filter_queryset(self, queryset):
        return narrowed(queryset, self.asked())


ENDS_SOON_DAYS = 30
# What each asked value does to the rows. Every value reaches the SQL as it is (the code's
# pattern is made in the database), so the list's queries can be compiled once with stand-ins
# and run with the asked values (groups.listing).
_NARROW = {
    "code": lambda rows, code: rows.filter(code__icontains=Value(code)),
    "status": lambda rows, status: rows.filter(status=status),
    "stage": lambda rows, stage: rows.filter(stage=stage),
    "supervision_level": lambda rows, level: rows.filter(supervision_level=level),
    "offence": lambda rows, pk: rows.filter(offence_id=pk),
    "need": lambda rows, pk: rows.filter(needs=pk),
    # The list annotates has_volunteer (groups.selectors.group_list_for_coordinator).
    "no_volunteer": lambda rows, _true: rows.filter(has_volunteer=False),
}


def narrowed(rows, asked: dict):
    """The list's rows narrowed by the asked filters (GroupFilter.asked)."""
    for name, value in asked.items():
        if name in _NARROW:
            rows = _NARROW[name](rows, value)
    if "ends_from" in asked:
        rows = groups_ending_between(rows, asked["ends_from"], asked["ends_to"])
    return rows


# The filter form's HTML by (language, the values asked, the two reference lists): rendering
# its widgets through Django's templates cost a province coordinator's list page about a fifth
# of its time (#20), for HTML that is the same for everyone who asks the same filters. The
# reference lists are read on every request (GroupFilter.terms), so an added or renamed need
# shows at once; only the rendering is reused. Per process, bounded.
_RENDERED: dict[tuple, str] = {}
_RENDERED_MAX = 512


def form_html(filterset: GroupFilter) -> str:
    form = filterset.form
    choices = {
        name: tuple((term.code, str(term)) for term in terms)
        for name, terms in filterset.terms.items()
    }
    asked = (
        tuple(sorted((name, tuple(filterset.data.getlist(name))) for name in form.fields))
        if form.is_bound
        else None
    )
    key = (get_language(), asked, tuple(choices.items()))
    html = _RENDERED.get(key)
    if html is None:
        html = str(form.as_div())
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)  # noqa: S308 - Django's own rendering, escaped there
