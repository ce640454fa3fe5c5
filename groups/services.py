"""Every write to correction groups: atomic, audited, events sent on commit; each change is
announced (portal.changes) for the apps above (search, matching) to act on after commit."""

import secrets
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import codes, gate
from groups.gate import ROLE_KINDS  # noqa: F401  (where callers have always found it)
from groups.models import CorrectionGroup, GroupNeed, Membership, Need, Stage
from portal import changes, events
from portal import services as portal_services
from portal.models import AccountKind, Industry, OffenceCategory, Region, User
from portal.validators import same_name

# The paths into a group written here; each enters through the gate (groups.gate.admit).
MEMBER_ADD = gate.path_in("groups.member_add", "a coordinator or the lead adds a member")
LEAD_HAND_OVER = gate.path_in(
    "groups.lead_hand_over", "a new lead; the previous one may stay as a social worker"
)
LEARNER_CREATE = gate.path_in(
    "groups.learner_create", "a coordinator creates the supervised person's login"
)
# Roles whose access ends when a group closes (DESIGN.md: partners and volunteers).
ROLES_ENDING_AT_CLOSE = {
    Membership.Role.VOLUNTEER,
    Membership.Role.UNIVERSITY_CONTACT,
    Membership.Role.ENTERPRISE_CONTACT,
}


@dataclass(frozen=True)
class GroupData:
    """Everything a coordinator states about a group; needs map need codes to priorities."""

    judicial_office: Region
    stage: str
    supervision_level: str
    offence: OffenceCategory
    sentence_type: str
    start_date: date
    planned_end_date: date
    is_juvenile: bool
    needs: dict[str, int]
    forbidden_industries: list[Industry]
    forbidden_places: str
    approved_regions: list[Region]
    case_notes: str = ""
    languages: list = field(default_factory=list)  # volunteers.Language
    slots: int = 0  # meeting times, 21 bits as VolunteerProfile.availability


def _validate(data: GroupData, *, current_office_id: int | None = None) -> dict[str, Need]:
    errors = {}
    if data.judicial_office.level != Region.Level.JUDICIAL_OFFICE:
        errors["judicial_office"] = _("Choose a judicial office (司法所), not a larger region.")
    elif data.judicial_office.is_retired and data.judicial_office.pk != current_office_id:
        # Its groups stay where they are; no group is opened at or moved to it.
        errors["judicial_office"] = _(
            "%(name)s has been retired from the region list; choose the office that serves "
            "the place now."
        ) % {"name": data.judicial_office.name}
    if data.planned_end_date < data.start_date:
        errors["planned_end_date"] = _("The planned end date cannot be before the start date.")
    office = data.judicial_office
    outside = [
        r.name for r in data.approved_regions if not r.same_place(office, Region.Level.PROVINCE)
    ]
    if outside:
        errors["approved_regions"] = _(
            "The execution area must lie in the judicial office's province; outside it: %(names)s."
        ) % {"names": "、".join(outside)}
    needs = {n.code: n for n in Need.objects.filter(code__in=data.needs, is_active=True)}
    unknown = sorted(set(data.needs) - set(needs))
    if unknown:
        errors["needs"] = _("Unknown need: %(codes)s.") % {"codes": ", ".join(unknown)}
    bad_priority = [c for c, p in data.needs.items() if p not in GroupNeed.Priority.values]
    if bad_priority:
        errors["needs"] = _("A need's priority must be high, medium or low.")
    if errors:
        raise ValidationError(errors)
    return needs


def _write_details(group: CorrectionGroup, data: GroupData, needs: dict[str, Need]) -> None:
    group.group_needs.all().delete()
    GroupNeed.objects.bulk_create(
        GroupNeed(group=group, need=needs[code], priority=priority)
        for code, priority in data.needs.items()
    )
    group.forbidden_industries.set(data.forbidden_industries)
    group.approved_regions.set(data.approved_regions)
    group.languages.set(data.languages)


def _fields(data: GroupData) -> dict:
    return {
        "judicial_office": data.judicial_office,
        "stage": data.stage,
        "supervision_level": data.supervision_level,
        "offence": data.offence,
        "sentence_type": data.sentence_type,
        "start_date": data.start_date,
        "planned_end_date": data.planned_end_date,
        "is_juvenile": data.is_juvenile,
        "forbidden_places": data.forbidden_places.strip(),
        "case_notes": data.case_notes.strip(),
        "slots": data.slots,
    }


@transaction.atomic
def group_create(*, data: GroupData, created_by: User) -> CorrectionGroup:
    """Open a group with a new, never reused pseudonymous code."""
    needs = _validate(data)
    prefix = codes.code_prefix(data.judicial_office, timezone.localdate().year)
    (number,) = codes.reserve_numbers(prefix)
    group = CorrectionGroup.objects.create(
        code=codes.format_code(prefix, number), created_by=created_by, **_fields(data)
    )
    _write_details(group, data, needs)
    portal_services.audit_record(
        actor=created_by,
        action="group.created",
        target=group,
        region=data.judicial_office,
        data={"needs": sorted(data.needs)},
    )
    changes.announce(group, what={"created"})
    return group


@transaction.atomic
def group_update(*, group: CorrectionGroup, data: GroupData, updated_by: User) -> CorrectionGroup:
    """Change what is known about a group; the audit row names the fields, never their values."""
    needs = _validate(data, current_office_id=group.judicial_office_id)
    new = _fields(data)
    changed = sorted(name for name, value in new.items() if getattr(group, name) != value)
    old_needs = dict(group.group_needs.values_list("need__code", "priority"))
    if old_needs != data.needs:
        changed.append("needs")
    for name, value in new.items():
        setattr(group, name, value)
    group.save()
    _write_details(group, data, needs)
    portal_services.audit_record(
        actor=updated_by,
        action="group.updated",
        target=group,
        region=group.judicial_office,
        data={"fields": changed},
    )
    changes.announce(group, what={"updated"})
    return group


def _members_to_tell(group: CorrectionGroup) -> list[int]:
    return list(group.memberships.filter(left_at__isnull=True).values_list("user_id", flat=True))


def _lock(group: CorrectionGroup) -> CorrectionGroup:
    """Re-read the group under a row lock so concurrent membership changes queue up."""
    return CorrectionGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def member_add(
    *, group: CorrectionGroup, user: User, role: str, added_by: User, path: str = MEMBER_ADD
) -> Membership:
    """Add someone to an active group, through the gate (groups.gate: their account, vetting,
    clearance, places left, regions, organisation, restriction order, declines). Callers that
    are a path in of their own (matching's accept) name it."""
    group = _lock(group)
    if group.is_closed:
        raise ValidationError(_("This group is closed; reopen it before adding members."))
    if role == Membership.Role.LEAD:
        raise ValidationError({"role": _("Use “hand over the lead” to choose a new lead.")})
    membership = gate.admit(group=group, user=user, role=role, added_by=added_by, path=path)
    portal_services.audit_record(
        actor=added_by,
        action="group.member_added",
        target=group,
        region=group.judicial_office,
        data={"user": user.pk, "role": role},
    )
    events.publish(
        _members_to_tell(group),
        "group.member_added",
        {"group": group.code, "member": str(user), "role": role},
    )
    changes.announce(group, what={"members"})  # the needs this member serves are met
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, removed_by: User, reason: str = "") -> None:
    """End a membership; the row stays as history. The lead is changed by handing over."""
    group = _lock(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This person has already left the group."))
    if membership.role == Membership.Role.LEAD:
        raise ValidationError(_("Hand over the lead before removing the current lead."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    portal_services.audit_record(
        actor=removed_by,
        action="group.member_removed",
        target=group,
        region=group.judicial_office,
        data={"user": membership.user_id, "role": membership.role, "reason": reason[:200]},
    )
    events.publish(
        [membership.user_id, *_members_to_tell(group)],
        "group.member_removed",
        {"group": group.code, "user": membership.user_id},
    )
    changes.announce(group, what={"members"})


@transaction.atomic
def lead_hand_over(*, group: CorrectionGroup, new_lead: User, handed_over_by: User) -> Membership:
    """Make someone the group's lead; the previous lead stays as a social worker or leaves."""
    group = _lock(group)
    if group.is_closed:
        raise ValidationError(_("This group is closed; reopen it before changing the lead."))
    now = timezone.now()
    current = group.memberships.filter(role=Membership.Role.LEAD, left_at__isnull=True).first()
    if current and current.user_id == new_lead.pk:
        raise ValidationError(
            {"user": _("%(name)s already leads this group.") % {"name": new_lead}}
        )
    gate.membership_check(
        group=group, user=new_lead, role=Membership.Role.LEAD, path=LEAD_HAND_OVER
    )
    stays = False
    if current:
        current.left_at = now
        current.save(update_fields=["left_at"])
        # The previous lead stays as a social worker only if the gate still lets them in
        # (a lead whose clearance lapsed leaves instead; the audit row says which).
        stays = current.user.kind == AccountKind.SOCIAL_WORKER and not gate.membership_refusal(
            group=group,
            user=current.user,
            role=Membership.Role.SOCIAL_WORKER,
            path=LEAD_HAND_OVER,
        )
        if stays:
            gate.admit(
                group=group,
                user=current.user,
                role=Membership.Role.SOCIAL_WORKER,
                added_by=handed_over_by,
                path=LEAD_HAND_OVER,
                joined_at=now,
            )
    group.memberships.filter(user=new_lead, left_at__isnull=True).update(left_at=now)
    lead = gate.admit(
        group=group,
        user=new_lead,
        role=Membership.Role.LEAD,
        added_by=handed_over_by,
        path=LEAD_HAND_OVER,
        joined_at=now,
    )
    portal_services.audit_record(
        actor=handed_over_by,
        action="group.lead_changed",
        target=group,
        region=group.judicial_office,
        data={
            "from": current.user_id if current else None,
            "to": new_lead.pk,
            "previous_stays": stays,
        },
    )
    events.publish(
        _members_to_tell(group), "group.lead_changed", {"group": group.code, "lead": str(new_lead)}
    )
    changes.announce(group, what={"members"})
    return lead


@transaction.atomic
def group_close(*, group: CorrectionGroup, reason: str, closed_by: User) -> CorrectionGroup:
    """Close a group (解矫 or 终止): volunteers' and partners' access ends, history stays."""
    group = _lock(group)
    if group.is_closed:
        raise ValidationError(_("This group is already closed."))
    if reason not in CorrectionGroup.ClosedReason.values:
        raise ValidationError({"reason": _("Choose why the group closes.")})
    now = timezone.now()
    to_tell = _members_to_tell(group)
    ended = group.memberships.filter(left_at__isnull=True, role__in=ROLES_ENDING_AT_CLOSE)
    ended_count = ended.update(left_at=now)
    group.status = CorrectionGroup.Status.CLOSED
    group.closed_reason = reason
    group.closed_at = now
    if reason == CorrectionGroup.ClosedReason.RELEASED:
        group.stage = Stage.RELEASED
    group.save(update_fields=["status", "closed_reason", "closed_at", "stage", "updated_at"])
    portal_services.audit_record(
        actor=closed_by,
        action="group.closed",
        target=group,
        region=group.judicial_office,
        data={"reason": reason, "memberships_ended": ended_count},
    )
    events.publish(to_tell, "group.closed", {"group": group.code, "reason": reason})
    changes.announce(group, what={"closed"})
    return group


@transaction.atomic
def group_reopen(*, group: CorrectionGroup, reason: str, reopened_by: User) -> CorrectionGroup:
    """Reopen a closed group (a coordinator's decision, with its reason in the audit trail).
    Ended memberships are not restored: the coordinator adds people again."""
    group = _lock(group)
    if not group.is_closed:
        raise ValidationError(_("This group is not closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the group is reopened.")})
    group.status = CorrectionGroup.Status.ACTIVE
    group.closed_reason = ""
    group.closed_at = None
    if group.stage == Stage.RELEASED:
        group.stage = Stage.ACTIVE
    group.save(update_fields=["status", "closed_reason", "closed_at", "stage", "updated_at"])
    portal_services.audit_record(
        actor=reopened_by,
        action="group.reopened",
        target=group,
        region=group.judicial_office,
        data={"reason": reason.strip()[:500]},
    )
    changes.announce(group, what={"reopened"})
    return group


@dataclass(frozen=True)
class LearnerLogin:
    user: User
    login: str
    password: str


@transaction.atomic
def learner_account_create(
    *, group: CorrectionGroup, display_name: str, created_by: User
) -> LearnerLogin:
    """Create the supervised person's own login under a pseudonym (never self sign-up).

    The login is derived from the group code, so no real e-mail address is needed; the initial
    password is returned once for the coordinator to hand over, and never stored in clear.
    """
    group = _lock(group)
    if group.is_closed:
        raise ValidationError(_("A closed group cannot get a learner account."))
    if group.memberships.filter(role=Membership.Role.LEARNER, left_at__isnull=True).exists():
        raise ValidationError(_("This group already has a learner account."))
    name = display_name.strip()
    if not name:
        raise ValidationError({"display_name": _("Enter a pseudonymous display name.")})
    # The learner's pseudonym must not read as the name of someone already in the group: in the
    # chat and the member list they would pass for the social worker or a volunteer.
    for member in group.memberships.filter(left_at__isnull=True).select_related("user"):
        if same_name(name, member.user.display_name):
            raise ValidationError(
                {
                    "display_name": _(
                        "“%(name)s” reads as the name of a member of this group; choose"
                        " another pseudonym."
                    )
                    % {"name": name}
                }
            )
    login = f"{group.code.lower()}-{secrets.token_hex(2)}@learner.invalid"
    password = secrets.token_urlsafe(9)
    user = portal_services.user_create(
        email=login,
        password=password,
        display_name=name,
        kind=AccountKind.LEARNER,
        created_by=created_by,
        email_verified=True,
    )
    gate.admit(
        group=group,
        user=user,
        role=Membership.Role.LEARNER,
        added_by=created_by,
        path=LEARNER_CREATE,
    )
    portal_services.audit_record(
        actor=created_by,
        action="group.learner_created",
        target=group,
        region=group.judicial_office,
        data={"user": user.pk},
    )
    changes.announce(group, what={"members"})
    return LearnerLogin(user=user, login=login, password=password)


@transaction.atomic
def learner_login_reissue(*, group: CorrectionGroup, reissued_by: User) -> LearnerLogin:
    """Give the group's learner a new random password (a lost slip, a login someone else saw).

    The old password stops working at once, every session of the learner ends and their open
    sockets close after commit; the new password is returned once and never stored in clear.
    """
    group = _lock(group)
    if group.is_closed:
        raise ValidationError(_("This group is closed; its learner login cannot be re-issued."))
    membership = (
        group.memberships.filter(role=Membership.Role.LEARNER, left_at__isnull=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(_("This group has no learner account yet."))
    user = membership.user
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = portal_services.user_sessions_end(user=user)
    portal_services.audit_record(
        actor=reissued_by,
        action="group.learner_login_reissued",
        target=group,
        region=group.judicial_office,
        data={"user": user.pk, "sessions_ended": ended},
    )
    return LearnerLogin(user=user, login=user.email, password=password)


def needs_load() -> int:
    """The needs taxonomy (the data migration does this on a new database)."""
    from groups.reference import NEEDS

    return portal_services.terms_load(model=Need, rows=NEEDS)
