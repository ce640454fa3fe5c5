"""Referrals: a group's lead refers the group, the organisation answers step by step; reminders,
escalation and follow-ups after hiring. Every step is audited and notified."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from groups.selectors import groups_coordinated_by
from messaging.services import notify
from partners import consents, eligibility, selectors, threads
from partners.models import Consent, FollowUp, JobPlacement, Referral, ReferralStep
from portal import events
from portal.models import User
from portal.services import audit_record

S = Referral.Status
RESPONSE_DAYS = 7
REMIND_BEFORE = timedelta(days=1)
FOLLOW_UP_DAYS = (30, 90)
# Which side makes which move (the organisation answers; the lead may withdraw).
ORGANISATION_MOVES = {
    S.REFERRED: {S.VIEWED, S.INTERVIEW, S.OFFERED, S.DECLINED},
    S.VIEWED: {S.INTERVIEW, S.OFFERED, S.DECLINED},
    S.INTERVIEW: {S.OFFERED, S.DECLINED},
    S.OFFERED: {S.HIRED, S.DECLINED},
}
LEAD_MOVES = {s: {S.WITHDRAWN} for s in (S.REFERRED, S.VIEWED, S.INTERVIEW, S.OFFERED)}
SHARED_FACTS = ("skills", "availability", "experience")
# Shared facts are free text written by the lead; refuse what looks like an identity.
_IDENTITY = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx])(?!\d)")


def _check_shared(shared: dict) -> dict:
    unknown = set(shared) - set(SHARED_FACTS)
    if unknown:
        raise ValidationError(_("Only skills, availability and experience can be shared."))
    for value in shared.values():
        text = " ".join(value) if isinstance(value, list) else str(value)
        if _IDENTITY.search(text):
            raise ValidationError(
                _("Shared facts must not contain a phone or ID number: the group stays anonymous.")
            )
    return {k: v for k, v in shared.items() if v}


def _url(referral: Referral) -> str:
    return reverse("partners:referral", args=[referral.pk])


def _step(referral: Referral, status: str, actor: User | None, note: str = "") -> None:
    ReferralStep.objects.create(referral=referral, status=status, actor=actor, note=note[:300])
    audit_record(
        actor=actor,
        action=f"referral.{status}",
        target=referral,
        region=referral.group.judicial_office,
        data={"organisation": referral.organisation_id, "status": status},
    )
    events.publish(
        selectors.group_side_recipients(referral)
        + selectors.organisation_member_ids(referral.organisation_id),
        "referral.step",
        {"referral": referral.pk, "status": status, "group": referral.group.code},
    )


@transaction.atomic
def referral_create(
    *, group: CorrectionGroup, posting, shared: dict, referred_by: User, note: str = ""
) -> Referral:
    """Refer a group to an open job or programme under its pseudonym, sharing only the facts
    chosen. Refused, with the reason in words, when the group's restrictions forbid it or the
    person's consent to referrals to the organisation for this purpose is not on record."""
    group = CorrectionGroup.objects.select_for_update().get(pk=group.pk)
    # The lead refers in casework; a coordinator of the region refers when accepting a match.
    if not (
        Membership.objects.filter(
            group=group, user=referred_by, role=Membership.Role.LEAD, left_at__isnull=True
        ).exists()
        or groups_coordinated_by(referred_by).filter(pk=group.pk).exists()
    ):
        raise ValidationError(
            _("Only the group's lead or a coordinator of its region can refer the group.")
        )
    if group.is_closed:
        raise ValidationError(_("Group %(code)s is closed and cannot be referred.") % {
            "code": group.code})  # fmt: skip
    if not posting.is_open or not posting.organisation.is_verified:
        raise ValidationError(_("“%(title)s” is not open for referrals.") % {"title": posting})
    is_job = isinstance(posting, JobPlacement)
    existing = Referral.objects.filter(group=group, **{"job" if is_job else "programme": posting})
    if existing.exclude(status__in=[S.DECLINED, S.WITHDRAWN]).exists():
        raise ValidationError(
            _("Group %(code)s has already been referred to “%(title)s”.")
            % {"code": group.code, "title": posting}
        )
    # After the group's lock (consent_withdraw takes them in the same order).
    consent = consents.live_consent(
        group, posting.organisation, consents.purpose_of(posting), lock=True
    )
    if consent is None:
        raise ValidationError(
            _(
                "The person has not consented to %(purpose)s with %(org)s: first record the "
                "consent they signed, on the group's “Consents to referrals” page."
            )
            % {
                "purpose": Consent.Purpose(consents.purpose_of(posting)).label,
                "org": posting.organisation,
            }
        )
    reasons = eligibility.posting_refusals(group, posting)
    if reasons:
        raise ValidationError(reasons)
    now = timezone.now()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                group=group,
                job=posting if is_job else None,
                programme=None if is_job else posting,
                organisation=posting.organisation,
                consent=consent,
                shared=_check_shared(shared),
                note=note.strip(),
                referred_by=referred_by,
                referred_at=now,
                respond_by=now + timedelta(days=RESPONSE_DAYS),
            )
    except IntegrityError as error:  # a concurrent duplicate lost the race
        raise ValidationError(
            _("Group %(code)s has already been referred to “%(title)s”.")
            % {"code": group.code, "title": posting}
        ) from error
    _step(referral, S.REFERRED, referred_by, note)
    # Its conversation exists from the start, so the social workers find it in their inbox.
    threads.thread_for(referral)
    notify(
        recipients=selectors.organisation_member_ids(posting.organisation_id),
        kind="referral.new",
        title=_("Group %(code)s was referred to “%(title)s”")
        % {"code": group.code, "title": posting},
        body=_("Please answer within %(days)d days.") % {"days": RESPONSE_DAYS},
        url=_url(referral),
    )
    return referral


@transaction.atomic
def referral_mark_viewed(*, referral: Referral, viewed_by: User) -> None:
    """The organisation opened a new referral: the lead sees that it was read."""
    updated = Referral.objects.filter(pk=referral.pk, status=S.REFERRED).update(
        status=S.VIEWED, updated_at=timezone.now()
    )
    if not updated:
        return
    referral.status = S.VIEWED
    _step(referral, S.VIEWED, viewed_by)
    notify(
        recipients=selectors.group_lead_ids(referral),
        kind="referral.step",
        title=_("%(org)s has read the referral of %(code)s")
        % {"org": referral.organisation, "code": referral.group.code},
        url=_url(referral),
    )


@transaction.atomic
def referral_move(
    *, referral: Referral, status: str, moved_by: User, as_organisation: bool, note: str = ""
) -> Referral:
    """Move a referral one step along its pipeline. Hiring schedules the follow-ups."""
    referral = (
        # Only the referral's row: locking the joined office and organisation would queue every
        # referral of the same office or employer behind this one.
        Referral.objects.select_for_update(of=("self",))
        .select_related("group__judicial_office", "organisation")
        .get(pk=referral.pk)
    )
    moves = ORGANISATION_MOVES if as_organisation else LEAD_MOVES
    if status not in moves.get(referral.status, set()):
        raise ValidationError(
            _("A referral that is %(now)s cannot become %(then)s.")
            % {"now": referral.get_status_display(), "then": S(status).label}
        )
    now = timezone.now()
    referral.status = status
    if as_organisation and referral.responded_at is None and status != S.VIEWED:
        referral.responded_at = now
    if status == S.HIRED:
        referral.hired_on = timezone.localdate()
        FollowUp.objects.bulk_create(
            FollowUp(referral=referral, days=d, due_on=referral.hired_on + timedelta(days=d))
            for d in FOLLOW_UP_DAYS
        )
    referral.save()
    _step(referral, status, moved_by, note)
    title = _("Referral of %(code)s to “%(title)s”: %(status)s") % {
        "code": referral.group.code,
        "title": referral.posting,
        "status": S(status).label,
    }
    recipients = (
        selectors.group_side_recipients(referral)
        if as_organisation
        else selectors.organisation_member_ids(referral.organisation_id)
    )
    notify(recipients=recipients, kind="referral.step", title=title, body=note, url=_url(referral))
    return referral


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, outcome: str, note: str, recorded_by: User) -> None:
    """Record whether the person is still employed at a follow-up check."""
    if outcome not in FollowUp.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if follow_up.due_on > timezone.localdate():
        raise ValidationError(_("This follow-up is not due yet."))
    follow_up.outcome = outcome
    follow_up.note = note.strip()[:300]
    follow_up.recorded_by = recorded_by
    follow_up.recorded_at = timezone.now()
    follow_up.save()
    referral = follow_up.referral
    audit_record(
        actor=recorded_by,
        action="referral.follow_up",
        target=referral,
        region=referral.group.judicial_office,
        data={"days": follow_up.days, "outcome": outcome},
    )


# --- periodic sweeps (partners.tasks, Celery beat: partners.schedule) ----------------------


def referrals_remind_due(*, now=None) -> int:
    """Remind the organisation of referrals unanswered a day before the deadline. Idempotent:
    each referral is reminded once."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        status__in=Referral.AWAITING_RESPONSE,
        reminded_at__isnull=True,
        respond_by__lte=now + REMIND_BEFORE,
    ).select_related("group", "job", "programme")
    count = 0
    for referral in due:
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            notify(
                recipients=selectors.organisation_member_ids(referral.organisation_id),
                kind="referral.reminder",
                title=_("Please answer the referral of %(code)s to “%(title)s”")
                % {"code": referral.group.code, "title": referral.posting},
                body=_("The response is due by %(when)s.")
                % {"when": timezone.localtime(referral.respond_by).strftime("%Y-%m-%d %H:%M")},
                url=_url(referral),
            )
            audit_record(actor=None, action="referral.reminded", target=referral)
            count += 1
    return count


def referrals_escalate_overdue(*, now=None) -> int:
    """Tell the group's lead and coordinators of referrals past their deadline unanswered."""
    now = now or timezone.now()
    overdue = Referral.objects.filter(
        status__in=Referral.AWAITING_RESPONSE, escalated_at__isnull=True, respond_by__lt=now
    ).select_related("group__judicial_office", "organisation", "job", "programme")
    count = 0
    for referral in overdue:
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            notify(
                recipients=selectors.group_side_recipients(referral),
                kind="referral.overdue",
                title=_("%(org)s has not answered the referral of %(code)s in time")
                % {"org": referral.organisation, "code": referral.group.code},
                url=_url(referral),
            )
            audit_record(
                actor=None,
                action="referral.escalated",
                target=referral,
                region=referral.group.judicial_office,
            )
            count += 1
    return count


def follow_ups_notify_due(*, today=None) -> int:
    """Tell the lead and coordinators that a follow-up check is due (once per check)."""
    today = today or timezone.localdate()
    due = FollowUp.objects.filter(
        due_on__lte=today, outcome="", notified_at__isnull=True
    ).select_related("referral__group__judicial_office", "referral__job", "referral__programme")
    count = 0
    for follow_up in due:
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=follow_up.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            ):
                continue
            referral = follow_up.referral
            notify(
                recipients=selectors.group_side_recipients(referral),
                kind="referral.follow_up_due",
                title=_("%(days)d-day follow-up due: is %(code)s still employed?")
                % {"days": follow_up.days, "code": referral.group.code},
                url=_url(referral),
            )
            count += 1
    return count
