"""The invitation form: who (an e-mail address, and a name for a new account), which role, where."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import RegionChoiceField
from portal.models import StaffRole, User
from portal.region_picker import RegionPickerSelect
from portal.validators import clean_display_name


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("An account is created and invited if the address has none yet."),
    )
    display_name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("Needed for a new account, e.g. 李明. An existing account keeps its name."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.Role.choices)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=None,
        empty_label=None,
        widget=RegionPickerSelect(attrs={"data-region-picker": ""}),
        help_text=_("The role covers this region and every region beneath it."),
        error_messages={"invalid_choice": _("Choose one of the regions you cover.")},
    )

    def __init__(self, *args, regions, inviter: User, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no ASCII colon after Chinese labels
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self.fields["region"].queryset = regions

    def clean_display_name(self):
        name = self.cleaned_data["display_name"]
        return clean_display_name(name) if name else ""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.inviter.email.lower() and not self.inviter.is_superuser:
            raise forms.ValidationError(
                _("You cannot change your own roles; ask a coordinator above you or an admin.")
            )
        return email
