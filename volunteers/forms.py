from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import CorrectionGroup, Membership
from portal import week
from portal.fields import IdListField, ModelChoiceField, ModelMultipleChoiceField
from portal.models import Region
from portal.region_picker import RegionPickerSelectMultiple
from volunteers import identity
from volunteers.models import Activity, Language, Skill, VolunteerProfile
from volunteers.services.activities import ActivityData
from volunteers.services.profiles import ProfileData
from volunteers.services.vetting import Decision


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BaseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no ASCII colon after Chinese labels
        super().__init__(*args, **kwargs)


def served_region_choices():
    """Counties and judicial offices (and the cities acting as counties), which is where
    volunteers serve; retired regions are not offered."""
    return Region.objects.active().county_or_below().order_by("path")


class ProfileForm(BaseForm):
    """The real-name profile; everything optional while saving a draft (the service checks
    completeness on submission). Identity fields disappear once vetting has begun."""

    real_name = forms.CharField(label=_("Real name"), max_length=50, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *VolunteerProfile.Gender.choices],
        required=False,
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"), min_value=1900, max_value=2100, required=False
    )
    id_number = forms.CharField(
        label=_("Mainland ID number"),
        max_length=20,
        required=False,
        help_text=_("Checked, then kept only in a masked form: the full number is never stored."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    skills = ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    languages = ModelMultipleChoiceField(
        label=_("Languages and dialects"),
        queryset=Language.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    regions = ModelMultipleChoiceField(
        label=_("Regions served"),
        queryset=Region.objects.none(),
        required=False,
        # Chosen 省 → 市 → 区县 (→ 司法所) and added one by one; without JavaScript, the plain
        # multiple select (a phone shows it as a list of ticks).
        widget=RegionPickerSelectMultiple(attrs={"size": 8}, ancestors=True),
        help_text=_("The districts, counties or judicial offices where you can serve."),
        error_messages={"invalid_choice": _("Choose the regions from the list.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        choices=week.WEEK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_groups = forms.IntegerField(
        label=_("How many groups at most"), min_value=1, max_value=10, initial=2
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    qualification = forms.ChoiceField(
        label=_("Qualification level"),
        choices=[("", "—"), *VolunteerProfile.Qualification.choices],
        required=False,
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=40, required=False
    )
    agency_name = forms.CharField(label=_("Agency name"), max_length=100, required=False)
    accept_pledge = forms.BooleanField(
        label=_("I accept the confidentiality pledge (保密承诺) above."), required=False
    )

    def __init__(self, *args, profile: VolunteerProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.fields["regions"].queryset = served_region_choices()
        if not profile.editable:
            for name in ("real_name", "gender", "birth_year", "id_number"):
                del self.fields[name]
        elif profile.id_masked:
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it."
            ) % {"masked": profile.id_masked}
        if profile.kind != VolunteerProfile.Kind.SOCIAL_WORKER:
            for name in ("qualification", "certificate_number", "agency_name"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, profile: VolunteerProfile) -> dict:
        return {
            "real_name": profile.real_name,
            "gender": profile.gender,
            "birth_year": profile.birth_year,
            "skills": list(profile.skills.all()),
            "languages": list(profile.languages.all()),
            "regions": list(profile.regions.all()),
            "availability": week.week_choices(profile.availability),
            "max_groups": profile.max_groups,
            "bio": profile.bio,
            "qualification": profile.qualification,
            "certificate_number": profile.certificate_number,
            "agency_name": profile.agency_name,
        }

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return identity.validate_id_number(value) if value.strip() else ""

    def availability_grid(self):
        """Rows of (day, [(checkbox, slot)]) for the 7 × 3 table."""
        return week.week_rows(self["availability"])

    def to_data(self) -> ProfileData:
        data = self.cleaned_data
        bits = week.week_bits(data.get("availability", []))
        return ProfileData(
            real_name=data.get("real_name", self.profile.real_name),
            gender=data.get("gender", self.profile.gender),
            birth_year=data.get("birth_year"),
            id_number=data.get("id_number", ""),
            skills=list(data["skills"]),
            languages=list(data["languages"]),
            regions=list(data["regions"]),
            availability=bits,
            max_groups=data["max_groups"],
            bio=data["bio"],
            qualification=data.get("qualification", ""),
            certificate_number=data.get("certificate_number", ""),
            agency_name=data.get("agency_name", ""),
            accept_pledge=data["accept_pledge"],
        )


class DecisionForm(BaseForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(
        label=_("Reason (required to ask for changes, reject or suspend)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ServiceRecordForm(BaseForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.5,
        max_value=12,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    group = ModelChoiceField(
        label=_("Correction group"),
        queryset=CorrectionGroup.objects.none(),
        to_field_name="code",
        required=False,
    )
    activity = ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.none(), required=False
    )
    description = forms.CharField(label=_("What was done"), max_length=300)

    def __init__(self, *args, profile: VolunteerProfile, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's own active membership decides, not the other members': excluding on
        # memberships__role would drop every group that has a learner, i.e. nearly all.
        serves = Membership.objects.filter(user_id=profile.user_id, left_at__isnull=True).exclude(
            role=Membership.Role.LEARNER
        )
        self.fields["group"].queryset = CorrectionGroup.objects.filter(
            pk__in=serves.values("group_id")
        ).order_by("code")
        self.fields["activity"].queryset = Activity.objects.filter(
            signups__profile=profile, starts_at__lte=timezone.now()
        )
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        if bool(data.get("group")) == bool(data.get("activity")):
            raise forms.ValidationError(_("Choose either a correction group or an activity."))
        return data


class RecordDecisionForm(BaseForm):
    confirm = forms.TypedChoiceField(
        choices=[("1", _("Confirm")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ExportForm(BaseForm):
    region = ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date cannot be before the start date."))
        return data


class ActivityForm(BaseForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    region = ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000)
    skills = ModelMultipleChoiceField(
        label=_("Skills wanted"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.order_by("path")

    def to_data(self) -> ActivityData:
        return ActivityData(**self.cleaned_data)


class CheckInForm(BaseForm):
    code = forms.RegexField(
        label=_("Check-in code"),
        regex=r"^[0-9]{6}$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ImportForm(BaseForm):
    file = forms.FileField(
        label=_("File (.xlsx or .csv, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ChosenProfilesForm(BaseForm):
    """The profiles ticked in the vetting queue."""

    profile = IdListField(required=False)


class LeaveForm(BaseForm):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through allauth, so its failed-login limit counts these tries too (it raises its own
        # "too many attempts" error when the limit is reached).
        if not get_account_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("The password is wrong."))
        return password
