"""Reads of the supervised person's consents to referrals (partners.models.Consent), for the
views and the services that check them. Who may see them is decided by the group's page access
(groups.selectors.group_for_user): the group's lead and the coordinators of its region."""

from django.db.models import F, QuerySet
from django.http import Http404

from groups.models import CorrectionGroup
from groups.selectors import GroupAccess, group_for_user
from partners.models import Consent, JobPlacement, Organisation
from portal.models import User


def purpose_of(posting) -> str:
    """The purpose a referral to this posting serves."""
    return Consent.Purpose.JOBS if isinstance(posting, JobPlacement) else Consent.Purpose.PROGRAMMES


def live_consent(
    group: CorrectionGroup, organisation: Organisation, purpose: str, *, lock: bool = False
) -> Consent | None:
    """The consent that covers referring the group to the organisation for the purpose, or None.
    With `lock`, read under a row lock (inside the caller's transaction, after the group's), so
    a withdrawal in flight is waited for rather than passed."""
    rows = Consent.objects.filter(
        group=group, organisation=organisation, purpose=purpose, withdrawn_at__isnull=True
    )
    return (rows.select_for_update(of=("self",)) if lock else rows).first()


def groups_without_consent(groups: QuerySet[CorrectionGroup], posting) -> QuerySet[CorrectionGroup]:
    """Of `groups`, those whose person has not consented to referrals to the posting's
    organisation for its purpose (the refer page links each to its consents page)."""
    return groups.exclude(
        pk__in=Consent.objects.filter(
            organisation_id=posting.organisation_id,
            purpose=purpose_of(posting),
            withdrawn_at__isnull=True,
        ).values("group_id")
    )


def group_for_consents(
    user: User, code: str, *, audit: bool
) -> tuple[CorrectionGroup, GroupAccess]:
    """The group whose consents the user records and withdraws (its lead, coordinators of its
    region); 404 for everyone else, members included."""
    group, access = group_for_user(user, code, audit=audit)
    if not access.sees_restricted:
        raise Http404
    return group, access


def consents_of(group: CorrectionGroup) -> QuerySet[Consent]:
    """The group's consents, live ones first, with what the page shows."""
    return (
        Consent.objects.filter(group=group)
        .select_related("organisation", "recorded_by", "withdrawn_by")
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-recorded_at", "-id")
    )


def consent_of_group(group: CorrectionGroup, pk: int) -> Consent:
    consent = consents_of(group).filter(pk=pk).first()
    if consent is None:
        raise Http404
    return consent


def consent_organisations() -> QuerySet[Organisation]:
    """The organisations a consent can name: verified ones (the only ones referred to)."""
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED).order_by("name", "id")
