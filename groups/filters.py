import django_filters
from django import forms
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
