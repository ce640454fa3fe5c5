import django_filters
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, Need
from groups.selectors import groups_ending_within
from portal.models import OffenceCategory


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
    offence = django_filters.ModelChoiceFilter(
        label=_("Offence category"), queryset=OffenceCategory.objects.all(), to_field_name="code"
    )
    need = django_filters.ModelChoiceFilter(
        label=_("Need"), queryset=Need.objects.all(), to_field_name="code", field_name="needs"
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

    def filter_no_volunteer(self, queryset, name, value):
        # The list annotates has_volunteer (groups.selectors.group_list_for_coordinator).
        return queryset.filter(has_volunteer=False) if value else queryset

    def filter_ends_soon(self, queryset, name, value):
        return groups_ending_within(queryset, 30) if value else queryset


# The filter form's HTML by (language, the values asked, the two reference lists): rendering
# its widgets through Django's templates cost a province coordinator's list page about a fifth
# of its time (#20), for HTML that is the same for everyone who asks the same filters. The
# reference lists are read on every request (the two queries the form's choices read anyway),
# so an added or renamed need shows at once; only the rendering is reused. Per process, bounded.
_RENDERED: dict[tuple, str] = {}
_RENDERED_MAX = 512
_REFERENCE_FIELDS = {"offence": OffenceCategory, "need": Need}


def form_html(filterset: GroupFilter) -> str:
    form = filterset.form
    choices = {
        name: tuple((term.code, str(term)) for term in model.objects.all())
        for name, model in _REFERENCE_FIELDS.items()
    }
    asked = (
        tuple(sorted((name, tuple(filterset.data.getlist(name))) for name in form.fields))
        if form.is_bound
        else None
    )
    key = (get_language(), asked, tuple(choices.items()))
    html = _RENDERED.get(key)
    if html is None:
        for name, terms in choices.items():
            field = form.fields[name]
            # What ModelChoiceIterator would yield, without reading the table again.
            field.widget.choices = [("", field.empty_label), *terms]
        html = str(form.as_div())
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)  # noqa: S308 - Django's own rendering, escaped there
