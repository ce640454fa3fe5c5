"""The caller's own account and, for volunteers and social workers, the vetting state of their
profile (volunteers.selectors.own_profile: read only; the page starts a draft, the API does not)."""

from datetime import datetime

from ninja import Router, Schema

from api.schemas import READ_ERRORS
from volunteers import selectors as volunteer_selectors

router = Router()


class Profile(Schema):
    kind: str
    kind_label: str
    status: str
    status_label: str
    # The coordinator's reason when changes are asked for or the profile was refused.
    decision_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    confirmed_hours: float


class Me(Schema):
    id: int
    # None for a person who signed up with a mobile number alone.
    email: str | None
    display_name: str
    kind: str
    kind_label: str
    profile: Profile | None


@router.get("", response={200: Me, **READ_ERRORS}, summary="My account and vetting state")
def me(request):
    user = request.auth
    mine = volunteer_selectors.own_profile(user)
    profile = None
    if mine is not None:
        profile = Profile(
            kind=mine.kind,
            kind_label=mine.get_kind_display(),
            status=mine.status,
            status_label=mine.get_status_display(),
            decision_reason=mine.decision_reason,
            submitted_at=mine.submitted_at,
            decided_at=mine.decided_at,
            confirmed_hours=float(mine.confirmed_hours),
        )
    return Me(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        kind=user.kind,
        kind_label=user.get_kind_display(),
        profile=profile,
    )
