"""Acting on suggestions: accept one (a member joins, or the group is referred to an offer),
decline one with a reason (never suggested again), or accept rows of a bulk proposal.

Every accept re-checks the hard constraints under row locks on the group and the candidate, so
two coordinators taking the last place of one volunteer at once cannot both succeed. The
candidate hears of it only when accepted: a notification for people, the partners' referral
notice for organisations.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from groups import gate
from groups import services as group_services
from groups.models import CorrectionGroup, MatchDecline, Membership
from matching import suggest
from messaging.services import notify
from partners import services as partner_services
from partners.models import JobPlacement, Programme
from portal import services as portal_services
from portal.models import User

Kind = MatchDecline.CandidateKind
# People join as members in the role of their kind; offers become referrals.
PERSON_ROLES = {Kind.VOLUNTEER: Membership.Role.VOLUNTEER,
                Kind.SOCIAL_WORKER: Membership.Role.SOCIAL_WORKER}  # fmt: skip
OFFER_MODELS = {Kind.JOB: JobPlacement, Kind.PROGRAMME: Programme}
REASON_MAX = MatchDecline._meta.get_field("reason").max_length
# The paths into a group written here (groups.gate): people join through the gate.
ACCEPT = gate.path_in("matching.accept", "a coordinator or lead accepts a suggested person")
PROPOSAL = gate.path_in("matching.proposal", "a coordinator accepts rows of a bulk proposal")


@dataclass(frozen=True)
class Accepted:
    """What an accepted suggestion became."""

    group: CorrectionGroup
    kind: str
    candidate_id: int
    label: str
    membership: Membership | None = None
    referral: object | None = None  # partners.models.Referral


@dataclass(frozen=True)
class Refused:
    group: CorrectionGroup
    kind: str
    candidate_id: int
    reason: str


@dataclass
class ProposalResult:
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of suggestion.")})


def _candidate(kind: str, candidate_id: int):
    """The candidate's row (a user for people, a posting for offers), or a clear refusal."""
    if kind in PERSON_ROLES:
        found = User.objects.filter(pk=candidate_id, volunteer_profile__kind=kind).first()
    else:
        model = OFFER_MODELS[kind]
        found = model.objects.select_related("organisation").filter(pk=candidate_id).first()
    if found is None:
        raise ValidationError(_("This suggestion does not exist (any more)."))
    return found


def _lock_and_check(
    group: CorrectionGroup, kind: str, candidate, path: str = ACCEPT
) -> CorrectionGroup:
    """Inside the caller's transaction: lock the group, then the candidate (always in this
    order, so concurrent accepts queue instead of deadlocking), and re-check every constraint
    against what is committed now: for a person, the gate into a group first (groups.gate,
    which locks the same rows), then what matching adds (never a past member again)."""
    candidate_id = candidate.pk
    # of=("self",): lock the group row only, not the office and offence rows it joins, which
    # every group of the office shares (that would queue unrelated accepts behind each other).
    group = (
        CorrectionGroup.objects.select_for_update(of=("self",))
        .select_related("judicial_office", "offence")
        .get(pk=group.pk)
    )
    if group.is_closed:
        raise ValidationError(_("Group %(code)s is closed; nobody can be added.") % {
            "code": group.code})  # fmt: skip
    refusal = None
    if kind in PERSON_ROLES:
        refusal = gate.membership_refusal(
            group=group, user=candidate, role=PERSON_ROLES[kind], path=path
        )
    suggest.lock_candidate(kind, candidate_id)
    refusal = refusal or suggest.candidate_refusal(group, kind, candidate_id)
    if refusal:
        raise ValidationError(
            _("This suggestion can no longer be accepted: %(reason)s.") % {"reason": refusal}
        )
    return group


def suggestion_accept(
    *, actor: User, group: CorrectionGroup, kind: str, candidate_id: int, path: str = ACCEPT
) -> Accepted:
    """Accept one suggestion for a group: a volunteer or social worker joins the group (and is
    told so), a job or programme receives a referral through the partners' referral service.
    Refused with the reason in words, changing nothing, when it is no longer valid."""
    _check_kind(kind)
    candidate = _candidate(kind, candidate_id)
    with transaction.atomic():
        group = _lock_and_check(group, kind, candidate, path)
        membership = referral = None
        if kind in PERSON_ROLES:
            membership = group_services.member_add(
                group=group, user=candidate, role=PERSON_ROLES[kind], added_by=actor, path=path
            )
            notify(
                recipients=[candidate],
                kind="match.accepted",
                title=_("You have joined correction group %(code)s") % {"code": group.code},
                body=_("%(office)s · as %(role)s")
                % {"office": group.judicial_office.name, "role": membership.get_role_display()},
                url=reverse("groups:detail", args=[group.code]),
            )
        else:
            # The partners' service decides who may refer and what the restrictions forbid; it
            # also tells the organisation.
            referral = partner_services.referral_create(
                group=group,
                posting=candidate,
                shared={},
                referred_by=actor,
                note=_("Suggested by the matching engine."),
            )
        portal_services.audit_record(
            actor=actor,
            action="group.suggestion_accepted",
            target=group,
            region=group.judicial_office,
            data={"kind": kind, "candidate": candidate_id},
        )
    return Accepted(
        group=group,
        kind=kind,
        candidate_id=candidate_id,
        label=str(candidate),
        membership=membership,
        referral=referral,
    )


@transaction.atomic
def suggestion_decline(
    *, actor: User, group: CorrectionGroup, kind: str, candidate_id: int, reason: str
) -> MatchDecline:
    """Turn a suggestion down for this group, saying why; it is never suggested again here.
    The candidate is not told (they never learned they were suggested)."""
    _check_kind(kind)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline this suggestion.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}}
        )
    _candidate(kind, candidate_id)
    group = CorrectionGroup.objects.select_for_update().get(pk=group.pk)
    if group.is_closed:
        raise ValidationError(_("Group %(code)s is closed.") % {"code": group.code})
    try:
        with transaction.atomic():
            decline = MatchDecline.objects.create(
                group=group,
                candidate_kind=kind,
                candidate_id=candidate_id,
                reason=reason,
                declined_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(_("This suggestion was already declined.")) from error
    portal_services.audit_record(
        actor=actor,
        action="group.suggestion_declined",
        target=group,
        region=group.judicial_office,
        data={"kind": kind, "candidate": candidate_id, "reason": reason[:200]},
    )
    return decline


def proposal_accept(*, actor: User, rows) -> ProposalResult:
    """Accept the chosen rows of a bulk proposal, each (group, kind, candidate id), each in its
    own transaction and re-checked like a single accept: rows that are still valid are
    accepted, the others are reported with their reason, and no constraint is broken."""
    result = ProposalResult()
    for group, kind, candidate_id in rows:
        try:
            result.accepted.append(
                suggestion_accept(
                    actor=actor, group=group, kind=kind, candidate_id=candidate_id, path=PROPOSAL
                )
            )
        except ValidationError as error:
            result.refused.append(Refused(group, kind, candidate_id, " ".join(error.messages)))
    return result
