import django_filters
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, Need
from groups.selectors import groups_ending_within
from portal.models import OffenceCategory

_INVALID = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}
_REFERENCE_FIELDS = {"offence": OffenceCategory, "need": Need}
_TERM_LOOKUPS = {"offence": "offence_id", "need": "needs"}


class GroupFilter(django_filters.FilterSet):
    """The coordinator's list filters; values in the query string are codes, not ids."""

    code = django_filters.CharFilter(label=_("Code"), lookup_expr="icontains")
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
    offence = django_filters.ChoiceFilter(
        label=_("Offence category"), method="filter_term", error_messages=_INVALID
    )
    need = django_filters.ChoiceFilter(
        label=_("Need"), method="filter_term", error_messages=_INVALID
    )
    no_volunteer = django_filters.BooleanFilter(
        label=_("Has no volunteer yet"), method="filter_no_volunteer", widget=forms.CheckboxInput
    )
    ends_soon = django_filters.BooleanFilter(
        label=_("Ends within 30 days"), method="filter_ends_soon", widget=forms.CheckboxInput
    )

    class Meta:
        model = CorrectionGroup
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # The two reference lists, read once a request: the form's choices and their check,
        # the cached form's key (form_html) and the cards' need names (with_card_text).
        self.terms = {name: list(model.objects.all()) for name, model in _REFERENCE_FIELDS.items()}
        for name, terms in self.terms.items():
            self.filters[name].extra["choices"] = [(term.code, str(term)) for term in terms]

    def filter_term(self, queryset, name, value):
        pk = next(term.pk for term in self.terms[name] if term.code == value)
        return queryset.filter(**{_TERM_LOOKUPS[name]: pk})

    def filter_no_volunteer(self, queryset, name, value):
        # The list annotates has_volunteer (groups.selectors.group_list_for_coordinator).
        return queryset.filter(has_volunteer=False) if value else queryset

    def filter_ends_soon(self, queryset, name, value):
        return groups_ending_within(queryset, 30) if value else queryset


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
