"""Filters for the portal's own lists: the audit log."""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from portal.audit_labels import category_choices, category_prefixes
from portal.models import Region, StaffRole, User
from portal.selectors import regions_covered_by


class DateInput(forms.DateInput):
    """The phone's own date picker; it always sends ISO dates, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# The years an audit trail can hold; outside them the day arithmetic would overflow.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)
DAY_RANGE_MESSAGE = _("Enter a date between 2000 and 2099.")
DAY_VALIDATORS = [
    MinValueValidator(FIRST_DAY, message=DAY_RANGE_MESSAGE),
    MaxValueValidator(LAST_DAY, message=DAY_RANGE_MESSAGE),
]


class RegionChoiceField(ModelChoiceField):
    """Regions indented by level, so the list reads as the tree it is (county, judicial office).

    Choices come in path order, so the first is the shallowest of its branch; indenting from
    there keeps a county coordinator's list flush left.
    """

    top_depth = None

    def label_from_instance(self, obj: Region) -> str:
        if self.top_depth is None:
            self.top_depth = obj.depth
        return "\u3000" * max(obj.depth - self.top_depth, 0) + obj.name


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


class AuditEventFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # No ASCII colon after Chinese labels.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    """What a coordinator narrows the audit log by. The queryset passed in is already scoped to
    the user (selectors.audit_events_visible_to); the region choices are scoped the same way,
    so a region outside the user's cover is refused, not silently ignored."""

    # Staff choose a category in words (portal.audit_labels); the raw code prefix still works
    # in links (?action=group.) but is no longer a field to type into.
    category = django_filters.ChoiceFilter(
        method="filter_category",
        choices=category_choices,
        label=_("Category"),
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("Choose one of the categories in the list.")},
    )
    action = django_filters.CharFilter(
        lookup_expr="startswith", max_length=80, widget=forms.HiddenInput
    )
    actor = django_filters.CharFilter(
        field_name="actor_repr",
        lookup_expr="icontains",
        label=_("Actor"),
        max_length=200,
        help_text=_("Part of a name or e-mail address."),
    )
    region = RegionFilter(
        method="filter_region",
        queryset=Region.objects.none(),
        label=_("Region"),
        empty_label=_("All my regions"),
        help_text=_("Includes every region beneath it."),
        error_messages={"invalid_choice": _("Choose one of the regions you cover.")},
    )
    since = django_filters.DateFilter(
        method="filter_since", label=_("From date"), widget=DateInput(), validators=DAY_VALIDATORS
    )
    until = django_filters.DateFilter(
        method="filter_until", label=_("To date"), widget=DateInput(), validators=DAY_VALIDATORS
    )
    object_id = django_filters.CharFilter(label=_("Object ID"), max_length=64)

    class Meta:
        form = AuditEventFilterForm

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["region"].queryset = regions_covered_by(
            user, role=StaffRole.Role.COORDINATOR
        ).order_by("path")

    @property
    def qs(self):
        """No rows at all while any parameter is invalid: django-filter would otherwise drop the
        bad parameter and show rows the person did not ask for."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def filter_category(self, queryset, name, value: str):
        match = Q()
        for prefix in category_prefixes(value):
            match |= Q(action__startswith=prefix)
        return queryset.filter(match)

    def filter_region(self, queryset, name, value: Region):
        return queryset.filter(region__path__startswith=value.path)

    def filter_since(self, queryset, name, value: datetime.date):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value: datetime.date):
        return queryset.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` on the portal's clock (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
