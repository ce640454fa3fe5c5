from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models.accounts import SELF_SIGN_UP_KINDS, AccountKind
from portal.validators import clean_display_name, normalise_mobile, validate_mainland_mobile


class TelInput(forms.TextInput):
    input_type = "tel"


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus what the portal needs to know from the first step: who you are
    (a display name), how to reach you (optional mobile) and which kind of account you want."""

    kind = forms.ChoiceField(
        label=_("I am signing up as"),
        choices=[(k.value, k.label) for k in SELF_SIGN_UP_KINDS],
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
        error_messages={"required": _("Choose which kind of account you are signing up for.")},
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        help_text=_("Shown to the people you work with, e.g. 王老师."),
    )
    mobile = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=20,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )

    field_order = ["kind", "display_name", "email", "mobile", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        # No ASCII colon after Chinese labels.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])

    def clean_mobile(self):
        mobile = normalise_mobile(self.cleaned_data.get("mobile", ""))
        if mobile:
            validate_mainland_mobile(mobile)
        return mobile

    def clean_kind(self):
        return AccountKind(self.cleaned_data["kind"])


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field where it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_messages(error: ValidationError) -> list[str]:
    """A service's refusal as sentences, for pages and replies that have no form to show it on
    (flash messages, JSON answers)."""
    return [str(m) for m in error.messages]
