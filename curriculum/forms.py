"""Forms of the curriculum's own views; every rule beyond a field's type is in the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from curriculum.models import Attendance, DeliveryMode, LessonPage
from curriculum.services import SessionData
from portal.fields import ModelChoiceField, ModelMultipleChoiceField
from portal.models import Region

# Attendance minutes are bounded by a day: no session is longer, and no column overflows.
MINUTES_IN_A_DAY = 24 * 60


class GroupChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.judicial_office.name}"


class LessonChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class SessionForm(forms.Form):
    lesson = LessonChoiceField(label=_("Lesson"), queryset=LessonPage.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=100)
    groups = GroupChoiceField(label=_("Groups"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = (
            LessonPage.objects.live().exclude(delivery_mode=DeliveryMode.ONLINE).order_by("title")
        )
        self.fields["groups"].queryset = groups.select_related("judicial_office").order_by("code")

    def to_data(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            lesson=data["lesson"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            facilitator=data["facilitator"],
            groups=list(data["groups"]),
        )


STATUS_CHOICES = [
    (value, label)
    for value, label in Attendance.Status.choices
    if value != Attendance.Status.EXPECTED
]


class AttendanceForm(forms.Form):
    """One status and minutes field per roster line the user may record."""

    def __init__(self, *args, roster, length, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        for line in roster:
            self.fields[f"status_{line.group_id}"] = forms.ChoiceField(
                label=_("Attendance of %(code)s") % {"code": line.group.code},
                choices=STATUS_CHOICES,
                widget=forms.RadioSelect,
                initial=line.status if line.status != Attendance.Status.EXPECTED else None,
            )
            self.fields[f"minutes_{line.group_id}"] = forms.IntegerField(
                label=_("Minutes of %(code)s") % {"code": line.group.code},
                min_value=0,
                max_value=MINUTES_IN_A_DAY,
                initial=line.minutes if line.recorded_at else length,
            )

    def lines(self):
        for line in self.roster:
            yield line, self[f"status_{line.group_id}"], self[f"minutes_{line.group_id}"]

    def rows(self) -> dict[int, tuple[str, int]]:
        return {
            line.group_id: (
                self.cleaned_data[f"status_{line.group_id}"],
                self.cleaned_data[f"minutes_{line.group_id}"],
            )
            for line in self.roster
        }


class AssignForm(forms.Form):
    lesson = LessonChoiceField(label=_("Lesson"), queryset=LessonPage.objects.none())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = (
            LessonPage.objects.live().exclude(assignments__group=group).order_by("title")
        )


class _RowsIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows)


class RowsChoiceField(ModelChoiceField):
    """A ModelChoiceField over rows the view has read already: its check and its widget use
    them, where Django's would query again for each (the same rows, the same choices)."""

    iterator = _RowsIterator

    def __init__(self, *args, **kwargs):
        self.rows = []
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for obj in self.rows:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ReportForm(forms.Form):
    region = RowsChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.none()
        self.fields["region"].rows = regions
