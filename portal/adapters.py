from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.utils.translation import gettext

from portal import mail, services, sms
from portal.forms import INCORRECT_CODE, MobileField
from portal.validators import normalise_mobile, validate_mainland_mobile


def on_configured_site(url: str) -> str:
    """The same address on the portal's configured site (WAGTAILADMIN_BASE_URL). allauth builds
    links from the request's Host, and Django lets any port of an allowed host through, so a
    reset link could otherwise point wherever the requester chose."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    site = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    """Fills the portal's own fields at sign-up, records the sign-up in the audit log, sends
    allauth's e-mails (confirmation, password reset) through Celery after commit, and keeps
    allauth's phone on User.mobile, its codes going out through portal.sms."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": INCORRECT_CODE,
    }

    def send_mail(self, template_prefix, email, context_data):
        domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
        ctx = {
            "request": context.request,
            "email": email,
            "current_site": SimpleNamespace(domain=domain, name=domain),
        }
        # Every link allauth put in the context (reset, confirmation, sign-up, log-in).
        ctx.update(
            {
                key: on_configured_site(value) if isinstance(value, str) else value
                for key, value in context_data.items()
            }
        )
        mail.send_on_commit(self.render_mail(template_prefix, email, ctx))

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data["display_name"]
        user.mobile = data.get("mobile", "")
        user.mobile_verified = False
        user.kind = data["kind"]
        if commit:
            user.save()
            services.user_signed_up(user=user)
        return user

    # -- Phones (allauth's phone support on User.mobile / User.mobile_verified) -------------
    # The texts are short and Chinese (portal.sms's contract), in the site's language whatever
    # the requester's: the phone's owner reads them, not necessarily the person who asked.

    def phone_form_field(self, **kwargs):
        return MobileField(**kwargs)

    def clean_phone(self, phone):
        phone = normalise_mobile(phone)
        validate_mainland_mobile(phone)
        return phone

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        # allauth's change-number page also texts a code to a number that is another account's
        # (the code could never be used: allauth refuses it then); its owner is told instead.
        owner = self.get_user_by_phone(phone)
        if owner and owner.pk != user.pk:
            self.send_account_already_exists_sms(phone)
            return
        sms.send(phone, sms_text("verification_code", code=code))

    def send_account_already_exists_sms(self, phone):
        # Someone tried to sign up with a number that already has an account; the page they see
        # is the same as for a new number, and the owner learns of it here.
        sms.send(phone, sms_text("account_exists"))

    def send_unknown_account_sms(self, phone, **kwargs):
        # A code was asked for a number without an account. Nothing is sent (a stranger's
        # phone is not ours to text); the page looks the same either way.
        return None

    def set_phone(self, user, phone, verified):
        user.mobile, user.mobile_verified = phone, verified
        if user.pk:
            user.save(update_fields=["mobile", "mobile_verified"])

    def get_phone(self, user):
        return (user.mobile, user.mobile_verified) if user.mobile else None

    def set_phone_verified(self, user, phone):
        # Also the end of allauth's change-number flow, where the new number is only stored
        # once its code was typed (allauth checked it is nobody else's).
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone):
        from portal.models import User

        phone = normalise_mobile(phone)
        return User.objects.filter(mobile=phone, is_active=True).first() if phone else None

    def authenticate(self, request, **credentials):
        """A number that is not yet verified opens only an account that has nothing else: a
        phone-first account, which then verifies it before going in (PhoneVerificationStage).
        An e-mail account's unverified number is no way in."""
        user = super().authenticate(request, **credentials)
        if user and credentials.get("phone") and user.email and not user.mobile_verified:
            return None
        return user

    def get_login_stages(self):
        swap = {
            "allauth.account.stages.PhoneVerificationStage": "portal.stages.PhoneVerificationStage",
            "allauth.account.stages.EmailVerificationStage": "portal.stages.EmailVerificationStage",
        }
        return [swap.get(path, path) for path in super().get_login_stages()]


def sms_text(kind: str, **params) -> str:
    """The portal's account texts, in the site's language."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        if kind == "verification_code":
            minutes = settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT // 60
            return gettext(
                "[Community Corrections Platform] Your verification code is %(code)s, "
                "valid for %(minutes)s minutes."
            ) % {"code": params["code"], "minutes": minutes}
        if kind == "account_exists":
            return gettext(
                "[Community Corrections Platform] Someone tried to sign up with this number, "
                "which already has an account. If it was you, log in or reset your password."
            )
        if kind == "password_reset_code":
            minutes = settings.PHONE_PASSWORD_RESET_TIMEOUT // 60
            return gettext(
                "[Community Corrections Platform] Your password reset code is %(code)s, "
                "valid for %(minutes)s minutes. Do not share it."
            ) % {"code": params["code"], "minutes": minutes}
    raise ValueError(kind)
