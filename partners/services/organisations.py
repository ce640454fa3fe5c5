"""Organisations: registration, licence, verification, invitations, join requests, leaving."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups import revocation
from messaging.services import notify
from partners import selectors, uploads
from partners.credit_code import normalise_credit_code, validate_credit_code
from partners.gate import places_end_without_verified_organisation
from partners.models import Invitation, JoinRequest, Organisation, OrganisationMember
from portal import changes, events, mail
from portal.models import AccountKind, User
from portal.services import audit_record

INVITATION_DAYS = 14
# What an organisation's owner states; the rest (status, licence) changes through services.
ORGANISATION_FIELDS = (
    "kind",
    "name",
    "credit_code",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
)


def _check_partner(user: User) -> None:
    if user.kind != AccountKind.PARTNER:
        raise ValidationError(
            _("Only accounts signed up as partner organisation members can do this.")
        )


def _check_credit_code(code: str, *, exclude: int | None = None) -> str:
    code = normalise_credit_code(code)
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from error
    taken = Organisation.objects.filter(credit_code=code).exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"credit_code": _("An organisation with this credit code is already registered.")}
        )
    return code


def _store_licence(organisation: Organisation, upload) -> None:
    mime = uploads.check_upload(
        upload, allowed=uploads.LICENCE_TYPES, max_bytes=uploads.LICENCE_MAX_BYTES
    )
    # The stored name never comes from the user: a random name with the type's extension.
    name = f"{organisation.pk}-{secrets.token_hex(8)}.{uploads.LICENCE_TYPES[mime]}"
    if organisation.licence:
        organisation.licence.delete(save=False)
    organisation.licence.save(name, upload, save=False)
    organisation.licence_content_type = mime
    organisation.licence_uploaded_at = timezone.now()


def _check_logo(upload) -> str:
    """The logo's extension by content ("" without a logo); logos are public (MEDIA_ROOT)."""
    if not upload:
        return ""
    try:
        mime = uploads.check_upload(
            upload, allowed=uploads.LOGO_TYPES, max_bytes=uploads.LOGO_MAX_BYTES
        )
    except ValidationError as error:
        raise ValidationError({"logo": error.messages}) from error
    return uploads.LOGO_TYPES[mime]


def _tell_verifiers(organisation: Organisation) -> None:
    notify(
        recipients=selectors.verifiers_of(organisation),
        kind="partners.verification_requested",
        title=_("%(name)s asks to be verified") % {"name": organisation.name},
        url=reverse("partners:verify", args=[organisation.pk]),
    )


@transaction.atomic
def organisation_register(
    *, data: dict, registered_by: User, licence=None, logo=None
) -> Organisation:
    """Register an organisation; the person registering becomes its owner. It stays unverified
    (and cannot publish) until a coordinator or admin has checked its licence."""
    _check_partner(registered_by)
    code = _check_credit_code(data["credit_code"])
    if licence is not None:
        try:
            uploads.check_upload(
                licence, allowed=uploads.LICENCE_TYPES, max_bytes=uploads.LICENCE_MAX_BYTES
            )
        except ValidationError as error:
            raise ValidationError({"licence": error.messages}) from error
    logo_ext = _check_logo(logo)
    fields = {name: data.get(name, "") for name in ORGANISATION_FIELDS}
    fields["credit_code"] = code
    organisation = Organisation.objects.create(created_by=registered_by, **fields)
    if logo:
        organisation.logo.save(
            f"{organisation.pk}-{secrets.token_hex(4)}.{logo_ext}", logo, save=False
        )
    if licence is not None:
        _store_licence(organisation, licence)
    organisation.save()
    OrganisationMember.objects.create(
        organisation=organisation, user=registered_by, role=OrganisationMember.Role.OWNER
    )
    audit_record(
        actor=registered_by,
        action="organisation.registered",
        target=organisation,
        region=organisation.region,
        data={"kind": organisation.kind},
    )
    changes.announce(organisation, what={"created"})
    if organisation.licence:
        _tell_verifiers(organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict, updated_by: User, logo=None):
    """Change an organisation's details. A new credit code or name needs verifying again."""
    code = _check_credit_code(data["credit_code"], exclude=organisation.pk)
    logo_ext = _check_logo(logo)
    data = {**data, "credit_code": code}
    changed = sorted(n for n in ORGANISATION_FIELDS if getattr(organisation, n) != data.get(n, ""))
    for name in ORGANISATION_FIELDS:
        setattr(organisation, name, data.get(name, ""))
    if logo:
        organisation.logo.save(
            f"{organisation.pk}-{secrets.token_hex(4)}.{logo_ext}", logo, save=False
        )
        changed.append("logo")
    what = {"updated"}
    if organisation.is_verified and {"credit_code", "name", "kind"} & set(changed):
        organisation.status = Organisation.Status.PENDING
        what.add("verification")
    organisation.save()
    if "verification" in what:
        # No longer verified: its contacts leave the groups no other verified one backs.
        _contacts_revoke(organisation, actor=updated_by)
    audit_record(
        actor=updated_by,
        action="organisation.updated",
        target=organisation,
        region=organisation.region,
        data={"fields": changed},
    )
    changes.announce(organisation, what=what)
    return organisation


@transaction.atomic
def licence_upload(*, organisation: Organisation, upload, uploaded_by: User) -> None:
    """Store a new licence (image or PDF, checked by content) and ask for verification."""
    _store_licence(organisation, upload)
    what = {"updated"}
    if organisation.status == Organisation.Status.REJECTED:
        organisation.status = Organisation.Status.PENDING
        what.add("verification")
    organisation.save()
    audit_record(
        actor=uploaded_by,
        action="organisation.licence_uploaded",
        target=organisation,
        region=organisation.region,
        data={"type": organisation.licence_content_type},
    )
    changes.announce(organisation, what=what)
    if organisation.status == Organisation.Status.PENDING:
        _tell_verifiers(organisation)


def _members(organisation: Organisation) -> list[int]:
    return list(organisation.members.filter(left_at__isnull=True).values_list("user_id", flat=True))


def _contacts_revoke(organisation: Organisation, *, actor: User) -> None:
    """The organisation is not verified (any more): end the group places of its contacts that
    no other verified organisation of theirs backs (told, audited; their chats close)."""
    with translation.override(settings.LANGUAGE_CODE):
        places_end_without_verified_organisation(user_ids=_members(organisation), actor=actor)


@transaction.atomic
def organisation_verify(*, organisation: Organisation, verified_by: User) -> None:
    """Mark an organisation verified after checking its licence; it may publish from now on."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.licence:
        raise ValidationError(_("There is no licence to check yet."))
    organisation.status = Organisation.Status.VERIFIED
    organisation.verified_by = verified_by
    organisation.verified_at = timezone.now()
    organisation.rejection_reason = ""
    organisation.save()
    changes.announce(organisation, what={"verification"})
    audit_record(
        actor=verified_by,
        action="organisation.verified",
        target=organisation,
        region=organisation.region,
    )
    notify(
        recipients=_members(organisation),
        kind="partners.verified",
        title=_("%(name)s is verified: you can now publish.") % {"name": organisation.name},
        url=reverse("partners:manage", args=[organisation.pk]),
    )


@transaction.atomic
def organisation_reject(*, organisation: Organisation, reason: str, rejected_by: User) -> None:
    """Refuse verification, saying why; the owner may upload a better licence."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the organisation can put it right.")})
    # The row first, as the gate locks it (groups.gate): an admission in flight finishes first.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    organisation.status = Organisation.Status.REJECTED
    organisation.rejection_reason = reason.strip()
    organisation.verified_by = rejected_by
    organisation.verified_at = timezone.now()
    organisation.save()
    # Rejecting a verified organisation un-verifies it: its contacts leave their groups.
    _contacts_revoke(organisation, actor=rejected_by)
    changes.announce(organisation, what={"verification"})
    audit_record(
        actor=rejected_by,
        action="organisation.rejected",
        target=organisation,
        region=organisation.region,
    )
    notify(
        recipients=_members(organisation),
        kind="partners.rejected",
        title=_("%(name)s was not verified") % {"name": organisation.name},
        body=organisation.rejection_reason,
        url=reverse("partners:manage", args=[organisation.pk]),
    )


def _invitation_email(invitation: Invitation):
    link = settings.WAGTAILADMIN_BASE_URL + reverse("partners:invitation", args=[invitation.token])
    names = {"who": invitation.invited_by, "name": invitation.organisation.name, "link": link}
    return mail.compose(
        subject=_("Join %(name)s on the portal") % names,
        body=_(
            "%(who)s invites you to join %(name)s. Sign up as a partner member, then open: %(link)s"
        )
        % names,
        to=[invitation.email],
    )


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, invited_by: User) -> Invitation:
    """Invite someone by e-mail; the link works for 14 days, once."""
    email = email.strip().lower()
    if organisation.members.filter(user__email__iexact=email, left_at__isnull=True).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=invited_by,
        action="organisation.invited",
        target=organisation,
        region=organisation.region,
        data={"email": email},
    )
    mail.send_on_commit(_invitation_email(invitation))
    return invitation


def _add_member(organisation: Organisation, user: User) -> OrganisationMember:
    if organisation.members.filter(user=user, left_at__isnull=True).exists():
        raise ValidationError(_("You are already a member of %(name)s.") % {"name": organisation})
    return OrganisationMember.objects.create(organisation=organisation, user=user)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> OrganisationMember:
    """Join through an invitation sent to the user's own address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_partner(user)
    if invitation.accepted_at or invitation.expires_at < timezone.now():
        raise ValidationError(_("This invitation has expired or was already used."))
    if invitation.email.lower() != (user.email or "").lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    membership = _add_member(invitation.organisation, user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="organisation.member_joined",
        target=invitation.organisation,
        region=invitation.organisation.region,
        data={"via": "invitation"},
    )
    return membership


@transaction.atomic
def join_request_create(
    *, organisation: Organisation, user: User, message: str = ""
) -> JoinRequest:
    """Ask to join an organisation; its members decide."""
    _check_partner(user)
    if organisation.members.filter(user=user, left_at__isnull=True).exists():
        raise ValidationError(_("You are already a member of %(name)s.") % {"name": organisation})
    if organisation.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked to join; please wait for an answer."))
    join_request = JoinRequest.objects.create(
        organisation=organisation, user=user, message=message.strip()
    )
    audit_record(
        actor=user, action="organisation.join_requested", target=organisation,
        region=organisation.region,
    )  # fmt: skip
    notify(
        recipients=_members(organisation),
        kind="partners.join_request",
        title=_("%(who)s asks to join %(name)s") % {"who": user, "name": organisation.name},
        url=reverse("partners:manage", args=[organisation.pk]),
    )
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool, decided_by: User) -> None:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request was already answered."))
    organisation = join_request.organisation
    if approve:
        _add_member(organisation, join_request.user)
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = decided_by
    join_request.decided_at = timezone.now()
    join_request.save()
    audit_record(
        actor=decided_by,
        action="organisation.join_" + ("approved" if approve else "declined"),
        target=organisation,
        region=organisation.region,
        data={"user": join_request.user_id},
    )
    notify(
        recipients=[join_request.user_id],
        kind="partners.join_decision",
        title=(_("You are now a member of %(name)s") if approve
               else _("Your request to join %(name)s was declined")) % {"name": organisation.name},
        url=reverse("partners:mine"),
    )  # fmt: skip


@transaction.atomic
def member_leave(*, membership: OrganisationMember, left_by: User) -> None:
    """Leave an organisation. The last owner cannot leave while others remain."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    active = organisation.members.filter(left_at__isnull=True)
    if (
        membership.role == OrganisationMember.Role.OWNER
        and not active.filter(role=OrganisationMember.Role.OWNER).exclude(pk=membership.pk).exists()
        and active.exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("The only owner cannot leave while other members remain."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    # Their open referral conversations re-check their place and close (messaging.subjects).
    events.publish(
        [membership.user_id], "organisation.member_left", {"organisation": organisation.pk}
    )
    # Their places as the organisation's contact end, unless another verified one backs them.
    with translation.override(settings.LANGUAGE_CODE):
        places_end_without_verified_organisation(
            user_ids=[membership.user_id], actor=left_by, cause=revocation.LEFT
        )
    audit_record(
        actor=left_by,
        action="organisation.member_left",
        target=organisation,
        region=organisation.region,
        data={"user": membership.user_id},
    )


def on_accounts_left(found: changes.Changes) -> None:
    """Subscriber: an account that was ended leaves its organisations (kept as history, with
    the day it left), so member lists and owner checks stop counting it. The last owner rule
    of member_leave does not apply: the person is gone either way."""
    user_ids = found.ids("portal.User", what={"left"})
    if not user_ids:
        return
    with transaction.atomic():
        ended = list(
            OrganisationMember.objects.select_for_update()
            .filter(user_id__in=user_ids, left_at__isnull=True)
            .select_related("organisation__region")
        )
        now = timezone.now()
        for membership in ended:
            membership.left_at = now
            audit_record(
                actor=None,
                action="organisation.member_left",
                target=membership.organisation,
                region=membership.organisation.region,
                data={"user": membership.user_id, "account": "ended"},
            )
        OrganisationMember.objects.bulk_update(ended, ["left_at"])
