"""Forms parse and check the shape of input; the services decide (and say why not)."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from partners.credit_code import normalise_credit_code, validate_credit_code
from partners.models import Consent, FollowUp, JobPlacement, Organisation, Programme, Referral
from partners.services.referrals import LEAD_MOVES, ORGANISATION_MOVES
from portal.fields import ModelChoiceField, ModelMultipleChoiceField
from portal.models import Region
from volunteers.models import Skill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORGANISATION_FIELDS = [
    "kind", "name", "credit_code", "region", "address", "contact_name", "contact_phone",
    "contact_email", "description", "logo",
]  # fmt: skip
JOB_FIELDS = [
    "title", "description", "industry", "work_locations", "positions", "salary_min",
    "salary_max", "employment_type", "hours", "requirements", "housing", "meals", "training",
    "fair_chance_statement", "excluded_offences", "opens_on", "closes_on",
]  # fmt: skip
PROGRAMME_FIELDS = [
    "kind", "title", "description", "regions", "capacity", "schedule", "opens_on", "closes_on",
]  # fmt: skip


class Form(forms.Form):
    """No ASCII colon after Chinese labels (as portal.forms.SignupForm)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _regions():
    # Regions down to counties: a job's place or a programme's area is rarely finer.
    return Region.objects.active().filter(level__lte=Region.Level.COUNTY).order_by("path")


class OrganisationForm(Form):
    locals().update(fields_for_model(Organisation, fields=ORGANISATION_FIELDS))
    licence = forms.FileField(
        label=_("Licence (business licence or registration certificate)"),
        required=False,
        help_text=_("A photo (JPEG, PNG) or PDF, at most 5 MB. Only verifiers see it."),
    )

    def __init__(self, *args, registering: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()
        self.fields["description"].widget.attrs["rows"] = 4
        if not registering:
            del self.fields["licence"]

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("logo", "licence")}

    @staticmethod
    def initial_for(organisation: Organisation) -> dict:
        return {name: getattr(organisation, name) for name in ORGANISATION_FIELDS if name != "logo"}


class LicenceForm(Form):
    licence = forms.FileField(
        label=_("Licence"), help_text=_("A photo (JPEG, PNG) or PDF, at most 5 MB.")
    )


class RejectForm(Form):
    reason = forms.CharField(
        label=_("Why it cannot be verified"), widget=forms.Textarea(attrs={"rows": 3})
    )


class InviteForm(Form):
    email = forms.EmailField(label=_("E-mail address"))


class JoinRequestForm(Form):
    message = forms.CharField(label=_("Message (optional)"), required=False, max_length=300)


class _PostingForm(Form):
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_on", "closes_on"):
            self.fields[name].widget = DATE
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields["description"].help_text = _(
            "Plain text, or simple HTML: paragraphs, bold, lists and links."
        )

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "publish"}

    @classmethod
    def initial_for(cls, posting) -> dict:
        initial = {}
        for name in cls.base_fields:
            if name == "publish":
                continue
            value = getattr(posting, name)
            initial[name] = list(value.all()) if hasattr(value, "all") else value
        return initial


class JobForm(_PostingForm):
    locals().update(fields_for_model(JobPlacement, fields=JOB_FIELDS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_locations"].queryset = _regions()
        self.fields["requirements"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["requirements"].choices
        )
        self.fields["excluded_offences"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["excluded_offences"].choices
        )
        self.fields["fair_chance_statement"].widget.attrs["rows"] = 3


class ProgrammeForm(_PostingForm):
    locals().update(fields_for_model(Programme, fields=PROGRAMME_FIELDS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = _regions()


class ReferralForm(Form):
    group = ModelChoiceField(
        label=_("Group"), queryset=None, to_field_name="code", empty_label=None
    )
    skills = ModelMultipleChoiceField(
        label=_("Share skills"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(
        label=_("Share availability"), required=False, max_length=200,
        help_text=_("e.g. 工作日白天，可以倒班"),
    )  # fmt: skip
    experience = forms.CharField(
        label=_("Share experience"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never a name, phone number, ID number or address."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note to the organisation"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def shared(self) -> dict:
        data = self.cleaned_data
        return {
            "skills": [str(s) for s in data["skills"]],
            "availability": data["availability"].strip(),
            "experience": data["experience"].strip(),
        }


class MoveForm(Form):
    status = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, current: str, as_organisation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        moves = (ORGANISATION_MOVES if as_organisation else LEAD_MOVES).get(current, set())
        moves = moves - {Referral.Status.VIEWED}
        self.fields["status"].choices = [
            (value, label) for value, label in Referral.Status.choices if value in moves
        ]


class FollowUpForm(Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=FollowUp.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AffiliationRequestForm(Form):
    organisation = ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an agency, university or association"),
        help_text=_(
            "Once its owner confirms, the organisation sees your name, your confirmed service "
            "hours and how many groups you serve in, never which groups."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ConsentForm(Form):
    """The paper consent form, as the lead records it (partners.services.consent_record)."""

    organisation = ModelChoiceField(label=_("Organisation"), queryset=None)
    purpose = forms.ChoiceField(label=_("Consented to"), choices=Consent.Purpose.choices)
    scope = forms.CharField(
        label=_("Scope"),
        max_length=Consent._meta.get_field("scope").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Consent._meta.get_field("scope").help_text,
    )
    given_on = forms.DateField(label=_("Signed on"), widget=DATE)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
