from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups import people
from groups.models import CorrectionGroup, GroupNeed, MatchDecline, Need
from groups.services import GroupData
from portal import week
from portal.fields import IdField, ModelChoiceField, ModelMultipleChoiceField
from portal.models import Industry, OffenceCategory, Region, User
from portal.region_picker import RegionPickerSelect, RegionPickerSelectMultiple
from portal.validators import clean_display_name


class DateInput(forms.DateInput):
    input_type = "date"


def execution_area_choices(regions, keep=()):
    """Cities and counties of the provinces the given regions lie in (retired ones only when
    the group already names them)."""
    provinces = (
        regions.annotate(province=Region.path_at_level_sql(Region.Level.PROVINCE))
        .values_list("province", flat=True)
        .distinct()
    )
    scope = Q(pk__in=[])
    for path in provinces:
        scope |= Q(path__startswith=path)
    return Region.objects.filter(
        Q(retired_at__isnull=True) | Q(pk__in=[getattr(r, "pk", r) for r in keep]),
        scope,
        level__in=[Region.Level.CITY, Region.Level.COUNTY],
    ).order_by("path")


class GroupForm(forms.Form):
    """What a coordinator states about a group. Needs come as one priority field per need, so
    the form works without JavaScript on a phone."""

    # Chosen 省 → 市 → 区县 → 司法所 (portal.region_picker); the regions above the offices only
    # lead the way, and the queryset below stays what may be chosen.
    judicial_office = ModelChoiceField(
        queryset=Region.objects.none(),
        label=_("Judicial office"),
        widget=RegionPickerSelect(ancestors=True),
        error_messages={"invalid_choice": _("Choose one of the judicial offices you cover.")},
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=CorrectionGroup._meta.get_field("stage").choices
    )
    supervision_level = forms.ChoiceField(
        label=_("Supervision level"),
        choices=CorrectionGroup._meta.get_field("supervision_level").choices,
    )
    offence = ModelChoiceField(
        queryset=OffenceCategory.objects.filter(is_active=True), label=_("Offence category")
    )
    sentence_type = forms.ChoiceField(
        label=_("Sentence type"), choices=CorrectionGroup._meta.get_field("sentence_type").choices
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    planned_end_date = forms.DateField(label=_("Planned end date"), widget=DateInput)
    is_juvenile = forms.BooleanField(label=_("The supervised person is a juvenile"), required=False)
    forbidden_industries = ModelMultipleChoiceField(
        queryset=Industry.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        label=_("Forbidden industries (禁止令)"),
    )
    forbidden_places = forms.CharField(
        label=_("Forbidden places"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. 娱乐场所, 中小学校周边."),
    )
    approved_regions = ModelMultipleChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label=_("Approved execution area"),
        widget=RegionPickerSelectMultiple(attrs={"size": 8}, ancestors=True),
        error_messages={
            "invalid_choice": _("Choose cities or districts within your province from the list.")
        },
        help_text=_(
            "The regions the person may live and work in; within the judicial office's province."
        ),
    )
    # What matching compares with people (matching/): languages and meeting times.
    languages = ModelMultipleChoiceField(
        # The managed list the group's own field points at (volunteers keep it; groups sit below
        # volunteers and do not import them).
        queryset=CorrectionGroup._meta.get_field("languages").related_model.objects.filter(
            is_active=True
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        label=_("Languages and dialects the person works in"),
    )
    slots = forms.MultipleChoiceField(
        label=_("When the group meets"),
        choices=week.WEEK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        help_text=_("Leave empty for any time."),
    )
    case_notes = forms.CharField(
        label=_("Restricted case notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Seen only by the group lead and coordinators. Never write names, ID numbers, "
            "phone numbers or addresses here."
        ),
    )

    PRIORITY_CHOICES = [("", _("Not needed")), *GroupNeed.Priority.choices]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # Offices at any depth (东莞's sit straight under the city); a retired one only for the
        # group already there, so editing it does not force a move.
        current = self.initial.get("judicial_office")
        self.fields["judicial_office"].queryset = regions.filter(
            Q(retired_at__isnull=True) | Q(pk=getattr(current, "pk", current)),
            level=Region.Level.JUDICIAL_OFFICE,
        ).order_by("path")
        # The execution area may reach beyond the coordinator's own region but not beyond its
        # province (the service checks that too); cities and counties are fine-grained enough.
        self.fields["approved_regions"].queryset = execution_area_choices(
            regions, keep=self.initial.get("approved_regions", ())
        )
        # Counties indented under their city, so the flat list reads as a tree.
        self.fields["approved_regions"].label_from_instance = lambda r: (
            "\u3000" * (r.level - Region.Level.CITY) + r.name
        )
        self.needs = list(Need.objects.filter(is_active=True))
        for need in self.needs:
            self.fields[f"need_{need.code}"] = forms.TypedChoiceField(
                label=str(need),
                choices=self.PRIORITY_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
            )

    # The template lays the form out in this order; needs sit right after the case facts.
    CASE_FIELDS = (
        "judicial_office",
        "stage",
        "supervision_level",
        "offence",
        "sentence_type",
        "start_date",
        "planned_end_date",
    )
    AREA_FIELDS = ("forbidden_places", "approved_regions", "languages", "slots", "case_notes")
    needs_error = None

    def case_fields(self):
        return [self[name] for name in self.CASE_FIELDS]

    def area_fields(self):
        return [self[name] for name in self.AREA_FIELDS]

    def need_fields(self):
        return [self[f"need_{n.code}"] for n in self.needs]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and end and end < start:
            self.add_error(
                "planned_end_date", _("The planned end date cannot be before the start date.")
            )
        if not any(cleaned.get(f"need_{n.code}") for n in self.needs):
            # Shown inside the needs fieldset, not at the top of a long form.
            self.needs_error = _("Choose at least one need.")
            raise forms.ValidationError(self.needs_error, code="no_need")
        return cleaned

    def to_data(self) -> GroupData:
        c = self.cleaned_data
        return GroupData(
            judicial_office=c["judicial_office"],
            stage=c["stage"],
            supervision_level=c["supervision_level"],
            offence=c["offence"],
            sentence_type=c["sentence_type"],
            start_date=c["start_date"],
            planned_end_date=c["planned_end_date"],
            is_juvenile=c["is_juvenile"],
            needs={n.code: c[f"need_{n.code}"] for n in self.needs if c.get(f"need_{n.code}")},
            forbidden_industries=list(c["forbidden_industries"]),
            forbidden_places=c["forbidden_places"],
            approved_regions=list(c["approved_regions"]),
            case_notes=c["case_notes"],
            languages=list(c["languages"]),
            slots=week.week_bits(c["slots"]),
        )

    @classmethod
    def initial_for(cls, group: CorrectionGroup) -> dict:
        initial = {
            name: getattr(group, name)
            for name in (
                "judicial_office",
                "stage",
                "supervision_level",
                "offence",
                "sentence_type",
                "start_date",
                "planned_end_date",
                "is_juvenile",
                "forbidden_places",
                "case_notes",
            )
        }
        initial["forbidden_industries"] = list(group.forbidden_industries.all())
        initial["approved_regions"] = list(group.approved_regions.all())
        initial["languages"] = list(group.languages.all())
        initial["slots"] = week.week_choices(group.slots)
        for code, priority in group.group_needs.values_list("need__code", "priority"):
            initial[f"need_{code}"] = priority
        return initial


def _person_field():
    # Set by the person picker (groups/static/groups/person_picker.js); without JavaScript the
    # e-mail field below it does the job.
    return IdField(label=_("Person"), required=False, widget=forms.HiddenInput)


class _PersonForm(forms.Form):
    """Whom a group action is about: the person picked from the picker (their id, checked
    against the picker's scope: groups.people.Picker) or, failing that, the e-mail address of
    their account."""

    def __init__(self, *args, picker=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.picker = picker
        self.user = None

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email:
            return ""
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this e-mail address."))
        self.user = user
        return user.email

    def _pick(self, cleaned, **role):
        person_id = cleaned.get("person")
        if person_id:
            picked = self.picker.pick(person_id, **role) if self.picker else None
            if picked is None:
                # Someone outside what this picker offers (an id from elsewhere): nothing of
                # them is said.
                self.add_error(
                    None,
                    _("This person cannot be chosen here: search by name and pick from the list."),
                )
            self.user = picked
        elif self.user is None and not {"email", "person"} & set(self.errors):
            self.add_error(
                None, _("Search for the person by name and pick them, or enter their e-mail.")
            )


class MemberAddForm(_PersonForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in people.ADDABLE_ROLES]
    )
    person = _person_field()
    email = forms.EmailField(label=_("E-mail of their account"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role"):
            self._pick(cleaned, role=cleaned["role"])
        return cleaned


class LeadForm(_PersonForm):
    person = _person_field()
    email = forms.EmailField(
        label=_("E-mail of the new lead (a coordinator or social worker)"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        self._pick(cleaned)
        return cleaned


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does the group close?"),
        choices=CorrectionGroup.ClosedReason.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the group reopened?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class LearnerForm(forms.Form):
    display_name = forms.CharField(
        label=_("Pseudonymous display name"),
        max_length=50,
        help_text=_("Not the person's real name, e.g. 学员甲."),
    )

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class SuggestionForm(forms.Form):
    """Which suggestion a button acts on (the matching pages post this)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MatchDecline.CandidateKind.choices)
    candidate_id = IdField(label=_("Candidate"))


class SuggestionDeclineForm(SuggestionForm):
    reason = forms.CharField(
        label=_("Why not?"),
        max_length=MatchDecline._meta.get_field("reason").max_length,
        help_text=_("Required; the suggestion is not shown again for this group."),
    )
