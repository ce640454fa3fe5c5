"""What an admin or coordinator narrows the staff list by: role, region, status, person."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.filters import RegionFilter
from portal.models import Region, StaffRole, User
from portal.staff.selectors import manageable_regions

ACTIVE, INVITED, DISABLED = "active", "invited", "disabled"
STATUS_CHOICES = [
    (ACTIVE, _("Active (has logged in)")),
    (INVITED, _("Invited (not logged in yet)")),
    (DISABLED, _("Account disabled")),
]
STATUS_FILTERS = {
    ACTIVE: Q(user__is_active=True, user__last_login__isnull=False),
    INVITED: Q(user__is_active=True, user__last_login__isnull=True),
    DISABLED: Q(user__is_active=False),
}


class StaffFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no ASCII colon after Chinese labels
        super().__init__(*args, **kwargs)


class StaffRoleFilter(django_filters.FilterSet):
    """The queryset passed in is already scoped (selectors.staff_roles_visible_to); the region
    choices are scoped the same way, so a region outside the user's cover is refused with an
    error, not silently ignored."""

    role = django_filters.ChoiceFilter(
        choices=StaffRole.Role.choices, label=_("Role"), empty_label=_("All roles")
    )
    region = RegionFilter(
        method="filter_region",
        queryset=Region.objects.none(),
        label=_("Region"),
        empty_label=_("All my regions"),
        help_text=_("Includes every region beneath it."),
        error_messages={"invalid_choice": _("Choose one of the regions you cover.")},
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Status"), empty_label=_("All")
    )
    person = django_filters.CharFilter(
        method="filter_person",
        label=_("Person"),
        max_length=100,
        help_text=_("Part of a name or e-mail address."),
    )

    class Meta:
        form = StaffFilterForm

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["region"].queryset = manageable_regions(user)

    @property
    def qs(self):
        """No rows while any parameter is invalid, never the unfiltered list."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def filter_region(self, queryset, name, value: Region):
        return queryset.filter(region__path__startswith=value.path)

    def filter_status(self, queryset, name, value: str):
        return queryset.filter(STATUS_FILTERS[value])

    def filter_person(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(
            Q(user__display_name__icontains=value) | Q(user__email__icontains=value)
        )
