"""Single sign-on with the province's unified identity (allauth's OpenID Connect provider).

A first login is linked to the one account holding the same phone number or e-mail address,
both verified on both sides (the provider says so and so does the portal); otherwise it makes a
new volunteer account. Whatever the provider sends, it never grants staff: no staff role, no
admin flag, no account kind but volunteer. A provider that cannot be reached, a forged or stale
state and a rejected code each get a message of their own; local login is untouched.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from requests import RequestException

from portal import services
from portal.models import AccountKind, User
from portal.validators import clean_display_name, normalise_mobile, validate_mainland_mobile

logger = logging.getLogger(__name__)

UNREACHABLE = _(
    "The unified identity service cannot be reached at the moment. Please try again later, or "
    "log in with your account and password."
)
STALE_REQUEST = _(
    "This login request has expired or did not start on this site, so nobody was logged in. "
    "Please go back to the login page and start again."
)
CODE_REJECTED = _(
    "The unified identity service did not accept this login (its code is invalid or has "
    "expired), so nobody was logged in. Please log in again."
)
NOT_COMPLETED = _(
    "The login with the unified identity service was not completed. Please try again, or log in "
    "with your account and password."
)


def claims(sociallogin) -> dict:
    """What the provider said about the person: its user-info answer, else the ID token (as
    allauth's provider picks)."""
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def verified_mobile(data: dict) -> str:
    """The provider's phone number as the portal stores it, only if the provider verified it."""
    if not parse_bool_safely(data.get("phone_number_verified")):
        return ""
    number = normalise_mobile(str(data.get("phone_number") or ""))
    try:
        validate_mainland_mobile(number)
    except ValidationError:
        return ""
    return number


def display_name(data: dict) -> str:
    """The provider's name for the person, in the portal's one form; none if it would be
    refused (a hidden or direction-changing character)."""
    try:
        return clean_display_name(str(data.get("name") or ""))[:50]
    except ValidationError:
        return ""


def verified_email(data: dict) -> str:
    if not parse_bool_safely(data.get("email_verified")):
        return ""
    return str(data.get("email") or "").strip()


def existing_account(data: dict) -> User | None:
    """The active account whose verified phone, else verified e-mail, is the provider's verified
    one (a number is one account's only: portal.models.User)."""
    if mobile := verified_mobile(data):
        user = User.objects.filter(mobile=mobile, mobile_verified=True, is_active=True).first()
        if user is not None:
            return user
    if email := verified_email(data):
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        if address:
            return address.user
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        user = existing_account(claims(sociallogin))
        if user is not None:
            sociallogin.connect(request, user)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        info = claims(sociallogin)
        user.display_name = display_name(info) or (user.email or "").split("@")[0][:50]
        user.kind = AccountKind.VOLUNTEER
        user.is_staff = False
        user.is_superuser = False
        # One number, one account: a number another account holds (unverified, or it would have
        # been linked) stays with it, and the new account starts without one.
        mobile = verified_mobile(info)
        if mobile and not User.objects.filter(mobile=mobile).exists():
            user.mobile, user.mobile_verified = mobile, True
        # An account without an address holds NULL, never "" (portal.models.User).
        user.email = user.email or None
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        services.user_signed_up(user=user)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        if extra_context is None:
            return
        if isinstance(exception, RequestException):
            message = UNREACHABLE
        elif isinstance(exception, OAuth2Error):
            message = CODE_REJECTED
        elif exception is None and "state_id" in extra_context:
            message = STALE_REQUEST
        else:
            message = NOT_COMPLETED
        logger.warning("Single sign-on failed: %s %r", error, exception)
        extra_context["sso_error"] = message


def _unreachable(request, exception):
    logger.warning("Single sign-on provider unreachable: %r", exception)
    messages.error(request, UNREACHABLE)
    return redirect("account_login")


def login(request, provider_id):
    """allauth's login view, except that a provider which cannot be reached (its discovery
    document is fetched first) sends the person back to the login page with a message."""
    try:
        return oidc_views.login(request, provider_id)
    except RequestException as exception:
        return _unreachable(request, exception)


def callback(request, provider_id):
    """allauth's callback view; the provider's discovery document may fail here too, before
    allauth's own error handling starts."""
    try:
        return oidc_views.callback(request, provider_id)
    except RequestException as exception:
        logger.warning("Single sign-on provider unreachable: %r", exception)
        return render(
            request,
            "socialaccount/authentication_error.html",
            {"sso_error": UNREACHABLE},
            status=401,
        )


def _no_such_provider(request, *args):
    raise Http404


# Included in portal/urls.py ahead of allauth's own patterns for the same addresses. A provider's
# id is a slug (sso.PROVIDER_ID); anything else in its place is a 404 here: allauth's routes take
# any string and look it up, and a NUL byte reached PostgreSQL, which refuses it, as a 500.
urlpatterns = [
    path("<slug:provider_id>/login/", login),
    path("<slug:provider_id>/login/callback/", callback),
    re_path(r"^[^/]+/login/(?:callback/)?$", _no_such_provider),
]
