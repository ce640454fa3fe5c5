"""Activities near me (the regions the volunteer serves; a coordinator's own regions), signing up,
cancelling, checking in with the 6-digit code and checking out. Every call is the page's:
volunteers.selectors.activities_for / activity_for decide what a caller sees (404 otherwise),
volunteers.services decide what they may do (400 with the service's message otherwise)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema
from pydantic import Field

from api.adapters import MAX_ID, PagingQuery, cleaned, own_profile_or_404, page
from api.schemas import READ_ERRORS, WRITE_ERRORS
from volunteers import forms, selectors, services
from volunteers.models import SignUp

router = Router()


class Activity(Schema):
    id: int
    title: str
    description: str
    region: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    # The caller's sign-up: "confirmed", "waiting", "cancelled", or null.
    my_status: str | None
    checked_in: bool


class ActivityPage(Schema):
    count: int
    items: list[Activity]


class SignUpResult(Schema):
    activity: int
    status: str
    status_label: str
    checked_in_at: datetime | None
    # Other activities of the caller's at the same time: a warning, as on the page.
    overlaps: list[str] = []


class CheckIn(Schema):
    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6 digits shown at the activity.")


class Hours(Schema):
    id: int
    hours: float
    status: str


def _rows(activities, user) -> list[Activity]:
    """The activities, with the caller's own sign-ups read in one query."""
    profile = selectors.own_profile(user)
    mine = {}
    if profile is not None and activities:
        mine = {
            s.activity_id: s
            for s in SignUp.objects.filter(profile=profile, activity__in=[a.pk for a in activities])
        }
    return [
        Activity(
            id=a.pk,
            title=a.title,
            description=a.description,
            region=a.region.name,
            place=a.place,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            capacity=a.capacity,
            taken=a.taken,
            my_status=mine[a.pk].status if a.pk in mine else None,
            checked_in=a.pk in mine and mine[a.pk].checked_in_at is not None,
        )
        for a in activities
    ]


def _result(signup: SignUp, overlaps=()) -> SignUpResult:
    return SignUpResult(
        activity=signup.activity_id,
        status=signup.status,
        status_label=signup.get_status_display(),
        checked_in_at=signup.checked_in_at,
        overlaps=[other.activity.title for other in overlaps],
    )


@router.get("", response={200: ActivityPage, **READ_ERRORS}, summary="Activities near me")
def activity_list(request, paging: PagingQuery):
    activities = selectors.activities_for(request.auth).order_by("starts_at", "id")
    count, rows = page(activities, paging)
    return ActivityPage(count=count, items=_rows(rows, request.auth))


@router.get("/{activity_id}", response={200: Activity, **READ_ERRORS}, summary="One activity")
def activity_detail(request, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    return _rows([selectors.activity_for(request.auth, activity_id)], request.auth)[0]


@router.post("/{activity_id}/signup", response={200: SignUpResult, **WRITE_ERRORS})
def sign_up(request, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    """A place, or one on the waiting list when the activity is full (status says which)."""
    activity = selectors.activity_for(request.auth, activity_id)
    profile = own_profile_or_404(request.auth, approved=True)
    signup, overlaps = services.signup_create(activity=activity, profile=profile)
    return _result(signup, overlaps)


@router.post("/{activity_id}/cancel", response={200: SignUpResult, **WRITE_ERRORS})
def cancel(request, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    """Give the place up; the first on the waiting list moves up."""
    profile = own_profile_or_404(request.auth)
    signup = get_object_or_404(SignUp, activity_id=activity_id, profile=profile)
    return _result(services.signup_cancel(signup=signup, by=request.auth))


@router.post("/{activity_id}/checkin", response={200: SignUpResult, **WRITE_ERRORS})
def check_in(request, payload: CheckIn, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    """Attendance with the code shown at the activity; a few wrong codes, then a wait."""
    activity = selectors.activity_for(request.auth, activity_id)
    profile = own_profile_or_404(request.auth, approved=True)
    code = cleaned(forms.CheckInForm({"code": payload.code}))["code"]
    return _result(services.activity_check_in(activity=activity, profile=profile, code=code))


@router.post("/{activity_id}/checkout", response={200: Hours, **WRITE_ERRORS})
def check_out(request, activity_id: int = Path(..., ge=1, le=MAX_ID)):
    """Close the attendance; its hours go to the publisher for confirmation."""
    profile = own_profile_or_404(request.auth, approved=True)
    signup = get_object_or_404(
        SignUp.objects.select_related("activity"), activity_id=activity_id, profile=profile
    )
    record = services.activity_check_out(signup=signup)
    return Hours(id=record.pk, hours=float(record.hours), status=record.status)
