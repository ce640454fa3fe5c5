"""My service hours: the list, the star progress, and logging hours for a group or an activity.
The page's form (volunteers.forms.ServiceRecordForm: only the caller's own groups and the
activities they took part in) and service (volunteers.services.service_record_log) decide."""

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from api.adapters import MAX_ID, PagingQuery, cleaned, own_profile_or_404, page
from api.schemas import READ_ERRORS, WRITE_ERRORS
from volunteers import forms, selectors, services

router = Router()


class Record(Schema):
    id: int
    date: date
    hours: float
    description: str
    group: str | None
    activity: int | None
    activity_title: str | None
    region: str
    status: str
    status_label: str
    reject_reason: str
    created_at: datetime


class RecordPage(Schema):
    count: int
    items: list[Record]


class Progress(Schema):
    confirmed: float
    pending: float
    stars: int
    # Hours needed for the next star (null at five stars) and how far along, 0-100.
    next_threshold: int | None
    hours_to_next: float
    percent: int


class LogHours(Schema):
    date: date
    hours: float = Field(description="0.5 to 12, in half-hour steps.")
    description: str = Field(max_length=300)
    # Either the code of one of my groups or the id of an activity I took part in.
    group: str | None = Field(None, max_length=24)
    activity: int | None = Field(None, ge=1, le=MAX_ID)


def _record(r) -> Record:
    return Record(
        id=r.pk,
        date=r.date,
        hours=float(r.hours),
        description=r.description,
        group=r.group.code if r.group_id else None,
        activity=r.activity_id,
        activity_title=r.activity.title if r.activity_id else None,
        region=r.region.name,
        status=r.status,
        status_label=r.get_status_display(),
        reject_reason=r.reject_reason,
        created_at=r.created_at,
    )


@router.get("", response={200: RecordPage, **READ_ERRORS}, summary="My service hours")
def hour_list(request, paging: PagingQuery):
    count, rows = page(selectors.my_records(own_profile_or_404(request.auth)), paging)
    return RecordPage(count=count, items=[_record(r) for r in rows])


@router.get("/progress", response={200: Progress, **READ_ERRORS}, summary="My star progress")
def progress(request):
    totals = selectors.my_totals(own_profile_or_404(request.auth))
    stars = totals["stars"]
    return Progress(
        confirmed=float(totals["confirmed"]),
        pending=float(totals["pending"]),
        stars=stars.stars,
        next_threshold=stars.next_threshold,
        hours_to_next=float(stars.hours_to_next),
        percent=stars.percent,
    )


@router.post("", response={201: Record, **WRITE_ERRORS}, summary="Log hours")
def log(request, payload: LogHours):
    """Logged hours wait for the group's lead or the activity's publisher to confirm them."""
    profile = own_profile_or_404(request.auth)
    form = forms.ServiceRecordForm(
        {
            "date": payload.date.isoformat(),
            "hours": str(payload.hours),
            "description": payload.description,
            "group": payload.group or "",
            "activity": payload.activity or "",
        },
        profile=profile,
    )
    record = services.service_record_log(profile=profile, **cleaned(form))
    return Status(201, _record(selectors.my_records(profile).get(pk=record.pk)))
