"""Inviting a person to a staff role: the account if there is none, the role, the e-mail."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal import mail, rights
from portal.models import AccountKind, Region, StaffRole, User
from portal.services import staff_role_grant, user_create


@transaction.atomic
def staff_invite(
    *, email: str, display_name: str, role: str, region: Region, invited_by: User
) -> StaffRole:
    """Give the person with this e-mail address a staff role over a region, creating their
    account first when there is none, and e-mail them.

    A new account has no password: the invitation carries allauth's own set-password link (the
    password-reset link, valid for PASSWORD_RESET_TIMEOUT; later "forgot password" on the login
    page sends a fresh one), and the address counts as verified because the inviter vouches for
    it and only its owner can follow the link. Someone with an account gets a short notice.
    Nothing is written when the inviter may not grant the role or the person holds it already.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if not rights.may_manage_role(invited_by, user=user or User(), role=role, region=region):
        raise PermissionDenied(_("You may not grant this role over this region."))
    if user is not None and StaffRole.objects.filter(user=user, role=role, region=region).exists():
        raise ValidationError(
            _("%(name)s already holds this role over %(region)s.")
            % {"name": user, "region": region.name}
        )
    new_account = user is None
    if new_account:
        if not display_name.strip():
            raise ValidationError({"display_name": _("Enter the name of the person invited.")})
        user = user_create(
            email=email,
            password=None,
            display_name=display_name.strip(),
            kind=AccountKind.STAFF,
            created_by=invited_by,
            email_verified=True,
        )
    staff_role = staff_role_grant(user=user, role=role, region=region, granted_by=invited_by)
    _invitation_send(staff_role, invited_by=invited_by, new_account=new_account)
    return staff_role


def _invitation_send(staff_role: StaffRole, *, invited_by: User, new_account: bool) -> None:
    """The invitation or notice, in the portal's language, queued for after commit."""
    user = staff_role.user
    if new_account:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("portal:dashboard")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "role": staff_role.get_role_display(),
            "region": staff_role.region.name,
            "inviter": invited_by,
            "new_account": new_account,
            # The public address of the site (the same base the admin's own links use).
            "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
            "site": settings.PORTAL_NAME,
        }
        if new_account:
            subject = _("You are invited to the portal as %(role)s")
        else:
            subject = _("You have a new role on the portal: %(role)s")
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject % {"role": context["role"]}
        body = render_to_string("portal/email/staff_invitation.txt", context)
    mail.send_on_commit(EmailMessage(subject, body, to=[user.email]))
