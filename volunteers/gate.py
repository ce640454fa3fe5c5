"""The volunteers' side of the gate into a group (groups.gate): what the gate needs to know of a
volunteer or social worker.

Registered in VolunteersConfig.ready for the roles a person holds on their profile (volunteer,
social worker, and lead when the lead is a social worker); a staff lead has no profile and
this provider says nothing of them.
"""

from groups import gate
from groups.models import CorrectionGroup, Membership
from portal.models import AccountKind, User
from volunteers.models import VolunteerProfile

Status = VolunteerProfile.Status
PROFILE_KINDS = {AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER}


def person_facts(*, group: CorrectionGroup, user: User, role: str, lock: bool) -> gate.Facts | None:
    """The profile's standing, read after locking its row (when `lock`): two more queries for
    the load and the regions served."""
    if user.kind not in PROFILE_KINDS:
        return None
    rows = VolunteerProfile.objects.filter(user=user)
    profile = (rows.select_for_update() if lock else rows).first()
    if profile is None:  # signed up, never started a profile: not vetted
        return gate.Facts(vetted=False)
    load = (
        Membership.objects.filter(
            user=user, left_at__isnull=True, group__status=CorrectionGroup.Status.ACTIVE
        )
        .exclude(group=group)
        .count()
    )
    return gate.Facts(
        vetted=profile.status in (Status.APPROVED, Status.SUSPENDED),
        suspended=profile.status == Status.SUSPENDED,
        cleared_for_juveniles=profile.cleared_for_juveniles,
        load=load,
        max_groups=profile.max_groups,
        served_paths=tuple(profile.regions.values_list("path", flat=True)),
    )


def register() -> None:
    gate.register_facts(gate.PERSON_ROLES, person_facts)
