"""Public list filters; values in the query string are codes, not ids."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partners.models import JobPlacement, Programme
from portal import keywords
from portal.models import Industry, Region


class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """Postings whose places lie in the region, or cover it (a city-wide job is in 天河区)."""

    def __init__(self, *args, through, **kwargs):
        self.through = through
        kwargs.setdefault("queryset", Region.objects.filter(level__lte=Region.Level.COUNTY))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        links = self.through.objects.filter(
            Q(region__path__startswith=value.path) | Q(region__path__in=value.ancestor_paths()),
            **{self.posting_field: OuterRef("pk")},
        )
        return qs.filter(Exists(links))

    @property
    def posting_field(self):
        return (
            "jobplacement" if self.through is JobPlacement.work_locations.through else "programme"
        )


class KeywordFilter(django_filters.CharFilter):
    """The list's search box asks the site search (portal.keywords.ids): Chinese words segmented the
    same way, title, description and organisation all searched."""

    def __init__(self, *args, kind, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        request = self.parent.request
        found = keywords.ids(getattr(request, "user", None), value, kind=self.kind)
        if found is None:
            return qs
        return qs.filter(pk__in=found)  # the list keeps its own order (newest first)


class JobFilter(django_filters.FilterSet):
    q = KeywordFilter(label=_("Keyword"), max_length=50, kind="job")
    region = RegionCodeFilter(label=_("Region"), through=JobPlacement.work_locations.through)
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.filter(is_active=True), to_field_name="code"
    )
    salary = django_filters.NumberFilter(
        label=_("Monthly salary at least (yuan)"), field_name="salary_max", lookup_expr="gte",
        min_value=0, max_value=1_000_000,
    )  # fmt: skip
    type = django_filters.ChoiceFilter(
        label=_("Employment type"),
        field_name="employment_type",
        choices=JobPlacement.EmploymentType.choices,
    )

    class Meta:
        model = JobPlacement
        fields = []


class ProgrammeFilter(django_filters.FilterSet):
    q = KeywordFilter(label=_("Keyword"), max_length=50, kind="programme")
    region = RegionCodeFilter(label=_("Region"), through=Programme.regions.through)
    kind = django_filters.ChoiceFilter(label=_("Programme type"), choices=Programme.Kind.choices)

    class Meta:
        model = Programme
        fields = []
