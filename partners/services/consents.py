"""The supervised person's consent to referrals (PIPL art. 29): recorded by the group's lead or a
coordinator of its region from the signed paper form, and withdrawn the same way. Withdrawing
takes effect at once: the referrals it covered are withdrawn (their shared facts erased), and
when no other consent for the organisation remains, its contacts' places in the group end."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import services as group_services
from groups.models import CorrectionGroup, Membership
from groups.selectors import groups_coordinated_by
from messaging.services import notify
from partners import consents as consent_reads
from partners import selectors
from partners.models import Consent, Organisation, Referral
from partners.services.referrals import _step
from portal.models import User
from portal.services import audit_record

CONTACT_ROLES = (Membership.Role.UNIVERSITY_CONTACT, Membership.Role.ENTERPRISE_CONTACT)
SCOPE_MAX = Consent._meta.get_field("scope").max_length


def _lock_group(group: CorrectionGroup) -> CorrectionGroup:
    # The group first, then the consent: the order referral_create takes them in too.
    return CorrectionGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)


def _check_may_record(group: CorrectionGroup, user: User) -> None:
    is_lead = Membership.objects.filter(
        group=group, user=user, role=Membership.Role.LEAD, left_at__isnull=True
    ).exists()
    if not (is_lead or groups_coordinated_by(user).filter(pk=group.pk).exists()):
        raise ValidationError(
            _("Only the group's lead or a coordinator of its region can record consent.")
        )


@transaction.atomic
def consent_record(
    *,
    group: CorrectionGroup,
    organisation: Organisation,
    purpose: str,
    scope: str,
    given_on: date,
    recorded_by: User,
) -> Consent:
    """Record the consent the person gave on paper to referrals of the group to `organisation`
    for `purpose`, within `scope`, on `given_on`."""
    group = _lock_group(group)
    _check_may_record(group, recorded_by)
    if group.is_closed:
        raise ValidationError(_("Group %(code)s is closed.") % {"code": group.code})
    errors = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = _("Choose what the person consented to.")
    scope = scope.strip()
    if not scope:
        errors["scope"] = _("Write down the scope the person agreed to, as on the signed form.")
    elif len(scope) > SCOPE_MAX:
        errors["scope"] = _("Keep the scope under %(n)d characters.") % {"n": SCOPE_MAX}
    if given_on > timezone.localdate():
        errors["given_on"] = _("The consent cannot be given in the future.")
    if not organisation.is_verified:
        errors["organisation"] = _("Only verified organisations receive referrals.")
    if errors:
        raise ValidationError(errors)
    if consent_reads.live_consent(group, organisation, purpose, lock=True):
        raise ValidationError(
            _("Group %(code)s already has a consent in force to %(purpose)s with %(org)s.")
            % {"purpose": Consent.Purpose(purpose).label, "org": organisation, "code": group.code}
        )
    consent = Consent.objects.create(
        group=group,
        organisation=organisation,
        purpose=purpose,
        scope=scope,
        given_on=given_on,
        recorded_by=recorded_by,
    )
    audit_record(
        actor=recorded_by,
        action="group.consent_recorded",
        target=group,
        region=group.judicial_office,
        data={
            "consent": consent.pk,
            "organisation": organisation.pk,
            "purpose": purpose,
            "given_on": given_on.isoformat(),
        },
    )
    return consent


def _covered_referrals(consent: Consent):
    posting = "job" if consent.purpose == Consent.Purpose.JOBS else "programme"
    return (
        Referral.objects.filter(
            group_id=consent.group_id,
            organisation_id=consent.organisation_id,
            **{f"{posting}__isnull": False},
        )
        .exclude(status__in=Referral.FINAL)
        .select_for_update(of=("self",))
        .select_related("group__judicial_office", "job", "programme")
    )


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_by: User) -> Consent:
    """The person withdrew their consent: it stops covering referrals now. Its open referrals
    are withdrawn and the facts they shared erased; if the organisation holds no other consent
    for the group, its contacts leave the group (their pages answer 404 and their chat closes).
    The organisation's members are told."""
    group = _lock_group(consent.group)
    _check_may_record(group, withdrawn_by)
    consent = Consent.objects.select_for_update(of=("self",)).get(pk=consent.pk)
    if not consent.is_live:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    note = _("The person withdrew their consent.")
    withdrawn = list(_covered_referrals(consent))
    for referral in withdrawn:
        referral.status = Referral.Status.WITHDRAWN
        referral.shared = {}
        referral.save(update_fields=["status", "shared", "updated_at"])
        _step(referral, Referral.Status.WITHDRAWN, withdrawn_by, note)
    ended = _contacts_leave(group, consent, withdrawn_by)
    audit_record(
        actor=withdrawn_by,
        action="group.consent_withdrawn",
        target=group,
        region=group.judicial_office,
        data={
            "consent": consent.pk,
            "organisation": consent.organisation_id,
            "purpose": consent.purpose,
            "referrals_withdrawn": [r.pk for r in withdrawn],
            "memberships_ended": ended,
        },
    )
    notify(
        recipients=selectors.organisation_member_ids(consent.organisation_id),
        kind="consent.withdrawn",
        title=_("The consent to referrals of group %(code)s was withdrawn") % {"code": group.code},
        body=_(
            "Its referrals to you are withdrawn and the facts shared with them erased; do not "
            "keep or use them any longer."
        ),
        url=reverse("partners:referrals"),
    )
    return consent


def _contacts_leave(group: CorrectionGroup, consent: Consent, actor: User) -> int:
    """End the places of the organisation's contacts in the group, unless another consent for
    the organisation still stands. Through the groups' own service: audited, told, announced."""
    if Consent.objects.filter(
        group=group, organisation_id=consent.organisation_id, withdrawn_at__isnull=True
    ).exists():
        return 0
    places = Membership.objects.filter(
        group=group,
        role__in=CONTACT_ROLES,
        left_at__isnull=True,
        user__in=selectors.organisation_member_ids(consent.organisation_id),
    ).select_related("group")
    reason = _("The person withdrew their consent to referrals to %(org)s.") % {
        "org": consent.organisation
    }
    count = 0
    for membership in places:
        group_services.member_remove(membership=membership, removed_by=actor, reason=reason)
        count += 1
    return count
