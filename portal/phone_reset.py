"""Password reset by a code sent by SMS, for people who signed up with a mobile number.

allauth resets a password through an e-mail address only (its reset-by-code flow is e-mail's
too), so this is the phone's counterpart built from allauth's parts: its code-verification
process (expiry, attempt limit, kept in the session), its rate limits and its enumeration
prevention. Only a verified number gets a code; any other number gets the same page and no
text. Step one asks for the number, step two for the code and a new password.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SetPasswordField
from allauth.account.internal.flows.code_verification import AbstractCodeVerificationProcess
from allauth.account.internal.flows.password_reset import reset_password
from allauth.core import ratelimit
from allauth.core.internal.cryptokit import compare_user_code, generate_user_code
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal import sms
from portal.forms import INCORRECT_CODE, MobileField
from portal.stages import CODE_EXPIRED

SESSION_KEY = "portal_password_reset_by_phone"


class PhoneResetProcess(AbstractCodeVerificationProcess):
    def __init__(self, request, state, user=None):
        self.request = request
        super().__init__(
            state=state,
            user=user,
            timeout=settings.PHONE_PASSWORD_RESET_TIMEOUT,
            max_attempts=settings.PHONE_PASSWORD_RESET_MAX_ATTEMPTS,
        )

    def persist(self):
        self.request.session[SESSION_KEY] = self.state

    def abort(self):
        self.request.session.pop(SESSION_KEY, None)

    def send(self):
        if not self.user:
            return  # enumeration prevention: same page, no text
        from portal.adapters import sms_text

        self.state["code"] = generate_user_code(**allauth_settings.PHONE_VERIFICATION_CODE_FORMAT)
        sms.send(self.state["phone"], sms_text("password_reset_code", code=self.code))

    @classmethod
    def initiate(cls, request, *, phone, user):
        process = cls(request, state=cls.initial_state(user, phone=phone), user=user)
        process.send()
        process.persist()
        return process

    @classmethod
    def resume(cls, request):
        state = request.session.get(SESSION_KEY)
        return cls(request, state=state).abort_if_invalid() if state else None


class RequestForm(forms.Form):
    phone = MobileField()

    def __init__(self, *args, request, **kwargs):
        self.request = request
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        # allauth's limit for codes asked by log-in, per address and per number.
        if not ratelimit.consume(self.request, action="request_login_code", key=phone):
            raise forms.ValidationError(
                _("Too many codes were asked for. Please wait a few minutes and try again."),
                code="rate_limited",
            )
        return phone


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password1 = SetPasswordField(label=_("New password"))
    password2 = forms.CharField(
        label=_("New password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, process, **kwargs):
        self.process = process
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["password1"].user = process.user

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not compare_user_code(actual=code, expected=self.process.code):
            raise forms.ValidationError(INCORRECT_CODE, code="incorrect_code")
        return code

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


@require_http_methods(["GET", "POST"])
def request_code(request):
    form = RequestForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        user = get_adapter().get_user_by_phone(phone)
        # Only a verified number proves who is asking.
        PhoneResetProcess.initiate(
            request, phone=phone, user=user if user and user.mobile_verified else None
        )
        return redirect("portal_reset_password_by_phone_confirm")
    return render(request, "account/password_reset_phone.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm_code(request):
    process = PhoneResetProcess.resume(request)
    if process is None:
        messages.error(request, CODE_EXPIRED)
        return redirect("portal_reset_password_by_phone")
    form = ConfirmForm(request.POST or None, process=process)
    if request.method == "POST":
        if form.is_valid():
            user = process.user
            reset_password(user, form.cleaned_data["password1"])
            process.abort()
            messages.success(request, _("Your password has been changed. Please log in."))
            return redirect("account_login")
        if "code" in form.errors and not process.record_invalid_attempt():
            messages.error(request, _("Too many wrong codes. Please ask for a new one."))
            return redirect("portal_reset_password_by_phone")
    return render(
        request,
        "account/password_reset_phone_confirm.html",
        {"form": form, "phone": process.state["phone"]},
    )
