"""Referrals: the list the referrals page shows (a partner member sees their organisation's, a
lead their groups', a coordinator those of their region: partners.selectors.referral_list_for),
and the organisation's answer to one (partners.forms.MoveForm offers the moves the page offers,
partners.services.referral_move records it, notifies the group's side and audits it)."""

from datetime import datetime

from django.http import Http404
from ninja import Path, Router, Schema
from pydantic import Field

from api.adapters import MAX_ID, PagingQuery, cleaned, page
from api.schemas import READ_ERRORS, WRITE_ERRORS
from partners import forms, selectors, services
from partners.models import Referral

router = Router()


class Shared(Schema):
    skills: list[str] = []
    availability: str = ""
    experience: str = ""


class ReferralRow(Schema):
    id: int
    # The group's pseudonymous code: nothing else of the person is shared.
    group: str
    posting_kind: str
    posting: str
    organisation: str
    status: str
    status_label: str
    referred_at: datetime
    # The organisation's answer is due by then, while the referral waits for one (else null).
    respond_by: datetime | None
    follow_up_due: bool
    shared: Shared
    note: str


class ReferralPage(Schema):
    count: int
    items: list[ReferralRow]


class Answer(Schema):
    status: str = Field(
        max_length=10,
        description='The next step: "interview", "offered", "hired" (after an offer) or '
        '"declined".',
    )
    note: str = Field("", max_length=300, description="The reason, for a decline.")


def _row(r: Referral) -> ReferralRow:
    return ReferralRow(
        id=r.pk,
        group=r.group.code,
        posting_kind="job" if r.job_id else "programme",
        posting=r.posting.title,
        organisation=r.organisation.name,
        status=r.status,
        status_label=r.get_status_display(),
        referred_at=r.referred_at,
        respond_by=r.respond_by if r.status in Referral.AWAITING_RESPONSE else None,
        follow_up_due=bool(getattr(r, "due_follow_ups", 0)),
        shared=Shared(**r.shared),
        note=r.note,
    )


@router.get("", response={200: ReferralPage, **READ_ERRORS}, summary="Referrals")
def referral_list(request, paging: PagingQuery):
    """Newest first, the same referrals as the referrals page, in a fixed number of queries."""
    count, rows = page(selectors.referral_list_for(request.auth), paging)
    return ReferralPage(count=count, items=[_row(r) for r in rows])


@router.post(
    "/{referral_id}/answer",
    response={200: ReferralRow, **WRITE_ERRORS},
    summary="Answer a referral (the organisation)",
)
def answer(request, payload: Answer, referral_id: int = Path(..., ge=1, le=MAX_ID)):
    """The receiving organisation's next step, with a note; 404 for anyone but its members
    (as the page's form), 400 with the page's message for a step the referral cannot take."""
    referral, access = selectors.referral_for(request.auth, referral_id)
    if not access.is_organisation:
        raise Http404
    data = cleaned(
        forms.MoveForm(
            {"status": payload.status, "note": payload.note},
            current=referral.status,
            as_organisation=True,
        )
    )
    services.referral_move(
        referral=referral,
        status=data["status"],
        note=data["note"],
        moved_by=request.auth,
        as_organisation=True,
    )
    return _row(selectors.referral_list_for(request.auth).get(pk=referral.pk))
