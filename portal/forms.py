from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.forms import VerifyPhoneForm as AllauthVerifyPhoneForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models.accounts import PHONE_ONLY_KINDS, SELF_SIGN_UP_KINDS, AccountKind
from portal.validators import clean_display_name, normalise_mobile, validate_mainland_mobile

# One sentence for every code refused, wrong or too old (allauth's pages and the phone reset).
INCORRECT_CODE = _("The code is wrong or has expired. Please check it or ask for a new one.")


class TelInput(forms.TextInput):
    input_type = "tel"


class MobileField(forms.CharField):
    """A mainland mobile number, typed any common way (spaces, dashes, +86), cleaned to its
    11-digit form. allauth's phone pages (log-in, log-in by code, verification) use it through
    the adapter's phone_form_field, so one number has one form everywhere."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        mobile = normalise_mobile(super().clean(value))
        if mobile:
            validate_mainland_mobile(mobile)
        return mobile


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus what the portal needs to know from the first step: who you are
    (a display name), how to reach you and which kind of account you want.

    Volunteers and partner members may give a mobile number instead of an e-mail address; they
    then verify it with a code sent by SMS (allauth's phone verification). Social workers keep
    an e-mail address: staff write to them about cases and reports. Allauth's own "phone" field
    is replaced by "mobile" (the portal's field name since the first sign-up form), whose value
    is handed on as cleaned_data["phone"] for allauth's checks and enumeration prevention."""

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
    mobile = MobileField(
        label=_("Mobile number"),
        required=False,
        help_text=_(
            "Volunteers and partner members may sign up with a mobile number alone: "
            "we send a code to it by SMS."
        ),
    )

    field_order = ["kind", "display_name", "email", "mobile", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        # No ASCII colon after Chinese labels.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields.pop("phone", None)
        # Required in ACCOUNT_SIGNUP_FIELDS only to satisfy allauth's checks; clean() decides.
        self.fields["email"].required = False
        self.fields["email"].widget.is_required = False
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _(
            "Required for social workers; optional for volunteers and partner members."
        )

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile", "")
        self.cleaned_data["phone"] = mobile
        return mobile

    def clean_kind(self):
        return AccountKind(self.cleaned_data["kind"])

    def clean(self):
        cleaned_data = super().clean()
        kind, email = cleaned_data.get("kind"), cleaned_data.get("email")
        if "email" in self.errors or "mobile" in self.errors or not kind:
            return cleaned_data
        if kind not in PHONE_ONLY_KINDS and not email:
            self.add_error(
                "email", _("Social workers sign up with an e-mail address. Enter yours.")
            )
        elif not email and not cleaned_data.get("mobile"):
            self.add_error(None, _("Enter an e-mail address or a mobile number."))
        return cleaned_data


class CodeFieldMixin:
    """allauth's code pages with a field called what Chinese SMS codes are called (验证码) and
    the number pad on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Verification code")
        self.fields["code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": ""}
        )


class VerifyPhoneForm(CodeFieldMixin, AllauthVerifyPhoneForm):
    pass


class ConfirmLoginCodeForm(CodeFieldMixin, AllauthConfirmLoginCodeForm):
    pass


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
