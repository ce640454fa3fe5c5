"""Revocation: when a person may no longer hold their places (suspended, a juvenile clearance
withdrawn, their organisation no longer verified, they left), their places in the affected
groups end at once, everywhere.

The apps above decide who and which groups (volunteers' vetting and clearance services,
partners' verification and membership services) and call `memberships_end` inside their own
transaction, after locking the person's row (the profile, the organisation): the same row the
gate locks after the group (groups.gate), so a revocation and an admission queue instead of
passing each other, and neither locks in the other's order. No group row is locked here.

What follows from one call: each membership ends (the row stays as history), one audit row per
place, the group's lead and coordinators are told (stored notifications, through the `notify`
the caller passes: groups sits below messaging), the person's open sockets re-check their
access and the chat of each group closes with 4403 (messaging.consumers: any "group." event),
group pages answer 404 (groups.selectors sees active places only), and the groups are announced
with "members" so matching refreshes their suggestions. Reinstating restores nothing: a
coordinator adds the person again, through the gate.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from groups.selectors import leads_and_coordinators
from portal import changes, events
from portal import services as portal_services
from portal.models import User

# The causes written into the audit row (data.cause), one per revoking event.
SUSPENDED = "suspended"
CLEARANCE_WITHDRAWN = "clearance_withdrawn"
ORGANISATION_UNVERIFIED = "organisation_unverified"
LEFT = "left"
CAUSES = (SUSPENDED, CLEARANCE_WITHDRAWN, ORGANISATION_UNVERIFIED, LEFT)


def memberships_end(
    *,
    user_ids: Iterable[int],
    cause: str,
    reason: str,
    actor: User | None,
    notify: Callable[..., object],
    roles: Iterable[str] | None = None,
    where: Q | None = None,
) -> list[Membership]:
    """End the active places of these people (only in `roles`, only in groups matching `where`,
    a filter on Membership such as Q(group__is_juvenile=True)); `reason` is the translated
    clause the lead and coordinators read. Returns the ended memberships. Call it inside the
    revoking transaction."""
    if cause not in CAUSES:
        raise ValueError(f"Unknown cause {cause!r}.")
    rows = Membership.objects.filter(user_id__in=list(user_ids), left_at__isnull=True)
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    if where is not None:
        rows = rows.filter(where)
    # Only the membership rows: the group stays unlocked (see the module's docstring).
    ended = list(
        rows.select_for_update(of=("self",))
        .select_related("group__judicial_office", "user")
        .order_by("group_id", "pk")
    )
    if not ended:
        return []
    now = timezone.now()
    Membership.objects.filter(pk__in=[m.pk for m in ended]).update(left_at=now)
    by_group: dict[int, list[Membership]] = defaultdict(list)
    for membership in ended:
        membership.left_at = now
        by_group[membership.group_id].append(membership)
    groups = {m.group_id: m.group for m in ended}
    told = leads_and_coordinators(list(by_group))
    still_in = defaultdict(list)
    for group_id, user_id in Membership.objects.filter(
        group_id__in=list(by_group), left_at__isnull=True
    ).values_list("group_id", "user_id"):
        still_in[group_id].append(user_id)
    for group_id, places in by_group.items():
        _tell(
            groups[group_id],
            places,
            cause=cause,
            reason=reason,
            actor=actor,
            told=told[group_id],
            still_in=still_in[group_id],
            notify=notify,
        )
    changes.announce(list(groups.values()), what={"members"})
    return ended


def _tell(group: CorrectionGroup, places, *, cause, reason, actor, told, still_in, notify) -> None:
    url = reverse("groups:detail", args=[group.code])
    for membership in places:
        portal_services.audit_record(
            actor=actor,
            action="group.access_ended",
            target=group,
            region=group.judicial_office,
            data={
                "user": membership.user_id,
                "role": membership.role,
                "cause": cause,
                "reason": reason[:200],
            },
        )
        # The person's sockets re-check their access: this group's chat closes with 4403.
        events.publish(
            [membership.user_id, *still_in],
            "group.member_removed",
            {"group": group.code, "user": membership.user_id, "reason": reason},
        )
    names = "、".join(str(m.user) for m in places)
    notify(
        recipients=told,
        kind="group.access_ended",
        title=_("Access to group %(code)s ended for %(names)s")
        % {"names": names, "code": group.code},
        body=reason,
        url=url,
    )
    notify(
        recipients=[m.user_id for m in places],
        kind="group.access_ended",
        title=_("Your place in group %(code)s has ended") % {"code": group.code},
        body=reason,
        url="",
    )
