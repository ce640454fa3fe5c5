"""The volunteers' side of the gate into a group (groups.gate): what the gate needs to know of a
volunteer or social worker, and ending their places when that changes (groups.revocation).

Registered in VolunteersConfig.ready for the roles a person holds on their profile (volunteer,
social worker, and lead when the lead is a social worker); a staff lead has no profile and
this provider says nothing of them.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from groups import gate, revocation, rules
from groups.models import CorrectionGroup, Membership
from groups.selectors import places_counting_load
from messaging.services import notify
from portal import events
from portal.models import AccountKind, Region, User
from volunteers.models import VolunteerProfile

Status = VolunteerProfile.Status
PROFILE_KINDS = {AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER}


def person_facts(*, group: CorrectionGroup, users, role: str, lock: bool) -> dict[int, gate.Facts]:
    """Each profile's standing, read after locking the profiles' rows (when `lock`), in three
    queries for any number of people: the profiles, their loads and the regions they serve."""
    people = [u.pk for u in users if u.kind in PROFILE_KINDS]
    if not people:
        return {}
    rows = VolunteerProfile.objects.filter(user_id__in=people).order_by("pk")
    profiles = {p.user_id: p for p in (rows.select_for_update() if lock else rows)}
    loads = dict(
        places_counting_load()
        .filter(user_id__in=people)
        .exclude(group=group)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    served: dict[int, list[str]] = {}
    for user_id, path in VolunteerProfile.regions.through.objects.filter(
        volunteerprofile__user_id__in=people
    ).values_list("volunteerprofile__user_id", "region__path"):
        served.setdefault(user_id, []).append(path)
    found = {}
    for pk in people:
        profile = profiles.get(pk)
        if profile is None:  # signed up, never started a profile: not vetted
            found[pk] = gate.Facts(vetted=False)
            continue
        found[pk] = gate.Facts(
            vetted=profile.status in (Status.APPROVED, Status.SUSPENDED),
            suspended=profile.status == Status.SUSPENDED,
            cleared_for_juveniles=profile.cleared_for_juveniles,
            load=loads.get(pk, 0),
            max_groups=profile.max_groups,
            served_paths=tuple(served.get(pk, ())),
        )
    return found


def person_pool(*, group: CorrectionGroup, role: str):
    """People with an approved profile serving a region that holds the group's office: whom a
    person picker offers (groups.people; the gate still decides, person_facts above)."""
    office = group.judicial_office.path
    return User.objects.filter(
        volunteer_profile__status=Status.APPROVED,
        volunteer_profile__regions__path__in=Region.paths_above_all([office]),
    )


def register() -> None:
    gate.register_facts(gate.PERSON_ROLES, person_facts)
    gate.register_pool(gate.PERSON_ROLES, person_pool)


# --- revocation: called by the vetting, clearance and profile services, in their transaction ----


def places_end_on_suspension(*, profile: VolunteerProfile, actor: User) -> list[Membership]:
    """A suspended person leaves every group at once (the profile row is locked by the caller)
    and every socket they hold open closes with 4403: the pages they open next show what they
    may still see."""
    reason = rules.vetting_refusal(vetted=True, suspended=True)
    ended = _end(profile, revocation.SUSPENDED, reason, actor)
    events.sockets_close([profile.user_id])
    return ended


def places_end_on_clearance_withdrawn(
    *, profile: VolunteerProfile, actor: User
) -> list[Membership]:
    """Without the clearance, a person leaves the juvenile groups (and only those)."""
    reason = rules.juvenile_refusal(is_juvenile=True, cleared=False)
    return _end(profile, revocation.CLEARANCE_WITHDRAWN, reason, actor, Q(group__is_juvenile=True))


def places_end_on_leaving(*, user: User) -> list[Membership]:
    """The person deletes their account: every place they hold ends first, told and audited
    (the account's rows go with it; the audit rows stay), and their sockets close."""
    ended = revocation.memberships_end(
        user_ids=[user.pk], cause=revocation.LEFT, reason=_("left the portal"), actor=None,
        notify=notify,
    )  # fmt: skip
    events.sockets_close([user.pk])
    return ended


def _end(profile, cause, reason, actor, where=None) -> list[Membership]:
    if profile.user_id is None:
        return []
    return revocation.memberships_end(
        user_ids=[profile.user_id],
        cause=cause,
        reason=reason,
        actor=actor,
        notify=notify,
        roles=gate.PERSON_ROLES,
        where=where,
    )
