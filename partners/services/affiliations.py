"""Affiliations: a volunteer or social worker asks to belong to an agency or university, its
owner confirms or declines, either side ends it. Every step is audited and the other side told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.services import notify
from partners.models import Affiliation, Organisation, OrganisationMember
from portal.models import User
from portal.services import audit_record
from volunteers.models import VolunteerProfile

# Open requests and confirmed affiliations one person may hold at once: a person belongs to an
# agency or two, not to every organisation in the province.
MAX_OPEN = 5


def _owner_ids(organisation: Organisation) -> list[int]:
    return list(
        organisation.members.filter(
            left_at__isnull=True, role=OrganisationMember.Role.OWNER
        ).values_list("user_id", flat=True)
    )


def _check_decider(organisation: Organisation, user: User) -> None:
    if not user.is_superuser and user.pk not in _owner_ids(organisation):
        raise ValidationError(_("Only the organisation's owners can decide on affiliations."))


def _audit(actor: User, action: str, affiliation: Affiliation) -> None:
    audit_record(
        actor=actor,
        action=f"affiliation.{action}",
        target=affiliation.organisation,
        region=affiliation.organisation.region,
        data={"profile": affiliation.profile_id, "affiliation": affiliation.pk},
    )


def _tell_owners(affiliation: Affiliation, person: User) -> None:
    organisation = affiliation.organisation
    notify(
        recipients=_owner_ids(organisation),
        kind="partners.affiliation_requested",
        title=_("%(who)s asks to be affiliated with %(name)s")
        % {"who": person, "name": organisation.name},
        url=reverse("partners:affiliations", args=[organisation.pk]),
    )


@transaction.atomic
def affiliation_request(
    *, profile: VolunteerProfile, organisation: Organisation, requested_by: User
) -> Affiliation:
    """The person asks to be affiliated with a verified agency or university (confirming a
    suggestion is the same step); its owners are told and decide."""
    # Locked: two quick requests must not both slip under MAX_OPEN.
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.user_id != requested_by.pk:
        raise ValidationError(_("Only the person themselves can ask to be affiliated."))
    if profile.status == VolunteerProfile.Status.LEFT:
        raise ValidationError(_("This profile has left the portal."))
    if not organisation.is_verified or organisation.kind not in Affiliation.KINDS:
        raise ValidationError(
            {"organisation": _("Choose a verified agency, university or association.")}
        )
    current = {
        a.organisation_id: a
        for a in profile.affiliations.filter(status__in=Affiliation.OPEN).order_by()
    }
    affiliation = current.get(organisation.pk)
    status = affiliation.status if affiliation else None
    if status == Affiliation.Status.CONFIRMED:
        message = _("You are already affiliated with %(name)s.")
        raise ValidationError({"organisation": message % {"name": organisation}})
    if status == Affiliation.Status.REQUESTED:
        message = _("You have already asked %(name)s; please wait for an answer.")
        raise ValidationError({"organisation": message % {"name": organisation}})
    held = sum(1 for a in current.values() if a.status != Affiliation.Status.SUGGESTED)
    if held >= MAX_OPEN:
        message = _("You can hold at most %(n)d affiliations and requests at once; end one first.")
        raise ValidationError(message % {"n": MAX_OPEN})
    if affiliation is None:
        affiliation = Affiliation(organisation=organisation, profile=profile)
    affiliation.status = Affiliation.Status.REQUESTED
    affiliation.requested_at = timezone.now()
    affiliation.save()
    _audit(requested_by, "requested", affiliation)
    _tell_owners(affiliation, requested_by)
    return affiliation


def _locked(affiliation: Affiliation) -> Affiliation:
    return (
        Affiliation.objects.select_for_update(of=("self",))
        .select_related("organisation__region", "profile")
        .get(pk=affiliation.pk)
    )


@transaction.atomic
def affiliation_decide(*, affiliation: Affiliation, confirm: bool, decided_by: User) -> Affiliation:
    """The organisation's owner confirms or declines a request; the person is told."""
    affiliation = _locked(affiliation)
    _check_decider(affiliation.organisation, decided_by)
    if affiliation.status != Affiliation.Status.REQUESTED:
        raise ValidationError(_("This request was already answered or withdrawn."))
    affiliation.status = Affiliation.Status.CONFIRMED if confirm else Affiliation.Status.DECLINED
    affiliation.decided_by = decided_by
    affiliation.decided_at = timezone.now()
    affiliation.save(update_fields=["status", "decided_by", "decided_at"])
    _audit(decided_by, "confirmed" if confirm else "declined", affiliation)
    name = affiliation.organisation.name
    notify(
        recipients=[affiliation.profile.user_id] if affiliation.profile.user_id else [],
        kind="partners.affiliation_decision",
        title=(_("%(name)s confirmed your affiliation") if confirm
               else _("%(name)s declined your affiliation request")) % {"name": name},
        url=reverse("partners:my_affiliations"),
    )  # fmt: skip
    return affiliation


@transaction.atomic
def affiliation_end(*, affiliation: Affiliation, ended_by: User) -> Affiliation:
    """End an affiliation. The person may dismiss a suggestion, withdraw a request or leave;
    the organisation's owner may end a confirmed one. The other side of a confirmed one is told."""
    affiliation = _locked(affiliation)
    is_person = affiliation.profile.user_id == ended_by.pk
    if not is_person:
        _check_decider(affiliation.organisation, ended_by)
    allowed = Affiliation.OPEN if is_person else (Affiliation.Status.CONFIRMED,)
    if affiliation.status not in allowed:
        raise ValidationError(_("This affiliation is no longer open."))
    was_confirmed = affiliation.status == Affiliation.Status.CONFIRMED
    affiliation.status = Affiliation.Status.ENDED
    affiliation.ended_by = ended_by
    affiliation.ended_at = timezone.now()
    affiliation.save(update_fields=["status", "ended_by", "ended_at"])
    _audit(ended_by, "ended", affiliation)
    if was_confirmed:
        organisation = affiliation.organisation
        if is_person:
            recipients = _owner_ids(organisation)
            url = reverse("partners:affiliations", args=[organisation.pk])
        else:
            recipients = [affiliation.profile.user_id] if affiliation.profile.user_id else []
            url = reverse("partners:my_affiliations")
        notify(
            recipients=recipients,
            kind="partners.affiliation_ended",
            title=_("The affiliation of %(who)s with %(name)s has ended")
            % {"who": affiliation.profile, "name": organisation.name},
            url=url,
        )
    return affiliation


@transaction.atomic
def affiliations_end_for_left(*, profile_ids: list[int]) -> int:
    """End the open affiliations of these profiles if they left the portal; returns how many.
    The leaving itself is audited by volunteers, so this adds no audit row of its own."""
    return Affiliation.objects.filter(
        profile_id__in=profile_ids,
        profile__status=VolunteerProfile.Status.LEFT,
        status__in=Affiliation.OPEN,
    ).update(status=Affiliation.Status.ENDED, ended_at=timezone.now())


def on_profile_changes(changes) -> None:
    """portal.changes subscriber (PartnersConfig.ready): profiles announced as "left"."""
    left = changes.ids("volunteers.VolunteerProfile", what={"left"})
    if left:
        affiliations_end_for_left(profile_ids=left)
