"""Clearance to work with juveniles: matching suggests a person for a juvenile group only once a
coordinator of a region they serve has cleared them. Audited; announced for matching to refresh."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import changes
from portal import services as portal_services
from portal.models import User
from volunteers.gate import places_end_on_clearance_withdrawn
from volunteers.models import VolunteerProfile
from volunteers.selectors import vetting_region


@transaction.atomic
def profile_clear_for_juveniles(
    *, profile: VolunteerProfile, cleared: bool, by: User
) -> VolunteerProfile:
    """Clear a vetted person to work with juveniles, or withdraw the clearance."""
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    region = vetting_region(profile, by)
    if region is None:
        raise PermissionDenied
    if cleared and profile.status != VolunteerProfile.Status.APPROVED:
        raise ValidationError(_("Only an approved person can be cleared to work with juveniles."))
    if profile.cleared_for_juveniles == cleared:
        return profile
    profile.cleared_for_juveniles = cleared
    profile.cleared_for_juveniles_by = by if cleared else None
    profile.cleared_for_juveniles_at = timezone.now() if cleared else None
    profile.save(
        update_fields=[
            "cleared_for_juveniles", "cleared_for_juveniles_by", "cleared_for_juveniles_at",
            "updated_at",
        ]
    )  # fmt: skip
    portal_services.audit_record(
        actor=by,
        action="volunteer.juvenile_cleared"
        if cleared
        else "volunteer.juvenile_clearance_withdrawn",
        target=profile,
        region=region,
    )
    if not cleared:
        # Without the clearance the person leaves the juvenile groups at once (told, audited).
        with translation.override(settings.LANGUAGE_CODE):
            places_end_on_clearance_withdrawn(profile=profile, actor=by)
    changes.announce(profile, what={"clearance"})
    return profile
