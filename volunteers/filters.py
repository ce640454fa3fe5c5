import django_filters
from django.utils.translation import gettext_lazy as _

from portal.models import Region, StaffRole
from portal.selectors import regions_covered_by
from volunteers.models import Skill, VolunteerProfile


def _regions_of(request):
    """The counties and judicial offices the coordinator covers: a short list to choose from."""
    if request is None:
        return Region.objects.county_or_below()
    return (
        regions_covered_by(request.user, role=StaffRole.Role.COORDINATOR)
        .county_or_below()
        .order_by("path")
    )


class ProfileFilter(django_filters.FilterSet):
    """The coordinator's queue and directory filters; values are codes, not ids."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerProfile.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=VolunteerProfile.Kind.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Region served"),
        queryset=lambda request: _regions_of(request),
        to_field_name="code",
        method="filter_region",
    )
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), queryset=Skill.objects.all(), to_field_name="code", field_name="skills"
    )
    submitted_since = django_filters.DateFilter(
        label=_("Submitted since"), field_name="submitted_at", lookup_expr="date__gte"
    )
    name = django_filters.CharFilter(label=_("Name"), method="filter_name")

    class Meta:
        model = VolunteerProfile
        fields = []

    def filter_region(self, queryset, name, value):
        # A region includes everything beneath it (a county covers its judicial offices).
        through = VolunteerProfile.regions.through
        serving = through.objects.filter(region__path__startswith=value.path).values(
            "volunteerprofile_id"
        )
        return queryset.filter(pk__in=serving)

    def filter_name(self, queryset, name, value):
        return queryset.filter(real_name__icontains=value.strip()) if value.strip() else queryset
