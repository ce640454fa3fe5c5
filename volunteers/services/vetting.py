"""Vetting: a coordinator whose region covers one of the regions a person serves decides."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import changes
from portal import services as portal_services
from portal.models import User
from volunteers.models import VolunteerProfile
from volunteers.selectors import vetting_region

Status = VolunteerProfile.Status


class Decision(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    NEEDS_CHANGES = "needs_changes", gettext_lazy("Ask for changes")
    REJECT = "reject", gettext_lazy("Reject")
    SUSPEND = "suspend", gettext_lazy("Suspend")
    REINSTATE = "reinstate", gettext_lazy("Reinstate")


# decision -> (statuses it applies to, resulting status, reason required)
TRANSITIONS = {
    Decision.APPROVE: ({Status.SUBMITTED}, Status.APPROVED, False),
    Decision.NEEDS_CHANGES: ({Status.SUBMITTED}, Status.NEEDS_CHANGES, True),
    Decision.REJECT: ({Status.SUBMITTED}, Status.REJECTED, True),
    Decision.SUSPEND: ({Status.APPROVED}, Status.SUSPENDED, True),
    Decision.REINSTATE: ({Status.SUSPENDED}, Status.APPROVED, False),
}
MESSAGES = {
    Status.APPROVED: gettext_lazy("Your volunteer profile is approved. Welcome!"),
    Status.NEEDS_CHANGES: gettext_lazy("Your volunteer profile needs changes."),
    Status.REJECTED: gettext_lazy("Your volunteer profile was not approved."),
    Status.SUSPENDED: gettext_lazy("Your volunteer profile is suspended."),
}


@transaction.atomic
def profile_decide(
    *, profile: VolunteerProfile, decision: str, reason: str = "", decided_by: User
) -> VolunteerProfile:
    """Record one vetting decision, audited, and tell the person in-app and by e-mail."""
    from volunteers.gate import places_end_on_suspension
    from volunteers.services.notices import tell_decision

    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    region = vetting_region(profile, decided_by)
    if region is None:
        raise PermissionDenied
    allowed_from, new_status, reason_required = TRANSITIONS[Decision(decision)]
    if profile.status not in allowed_from:
        raise ValidationError(
            _("This decision does not apply to a profile that is %(status)s.")
            % {"status": profile.get_status_display()}
        )
    reason = reason.strip()
    if reason_required and not reason:
        raise ValidationError({"reason": _("Give a reason; the person will read it.")})
    profile.status = new_status
    profile.decided_at = timezone.now()
    profile.decided_by = decided_by
    profile.decision_reason = reason
    profile.decision_emailed_at = None
    profile.save()
    portal_services.audit_record(
        actor=decided_by,
        action=f"volunteer.{decision}",
        target=profile,
        region=region,
        data={"status": new_status, "reason": reason},
    )
    with translation.override("zh-hans"):
        tell_decision(profile, title=str(MESSAGES[new_status]), body=reason)
        if new_status == Status.SUSPENDED:
            # Suspension takes effect everywhere at once: every place ends, sockets close.
            # Reinstating gives nothing back: a coordinator adds the person again.
            places_end_on_suspension(profile=profile, actor=decided_by)
    # Approval, suspension and reinstatement change who matching may suggest.
    changes.announce(profile, what={"vetting"})
    return profile


def profiles_bulk_approve(*, profiles, decided_by: User) -> int:
    """Approve each submitted profile the coordinator may vet; returns how many. Each is its own
    decision (own audit row, own notice), so one that cannot be approved skips only itself."""
    approved = 0
    for profile in profiles:
        try:
            profile_decide(profile=profile, decision=Decision.APPROVE, decided_by=decided_by)
        except (PermissionDenied, ValidationError):
            continue
        approved += 1
    return approved
