"""Activities (志愿活动招募): published by a coordinator of the region; approved people sign up,
with a waiting list; a 6-digit code checks them in; check-out logs the hours for confirmation."""

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import changes
from portal import services as portal_services
from portal.models import Region, StaffRole, User
from portal.selectors import user_covers_region
from volunteers.models import Activity, ServiceRecord, SignUp, Skill, VolunteerProfile
from volunteers.selectors import overlapping_signups


@dataclass
class ActivityData:
    title: str
    region: Region
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = ""
    skills: list[Skill] = field(default_factory=list)


def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@transaction.atomic
def activity_create(*, data: ActivityData, created_by: User) -> Activity:
    """Publish an activity in a region the coordinator covers."""
    if not (
        created_by.is_superuser
        or user_covers_region(created_by, data.region, role=StaffRole.Role.COORDINATOR)
    ):
        raise PermissionDenied
    if data.ends_at <= data.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if data.capacity < 1:
        raise ValidationError({"capacity": _("Capacity must be at least 1.")})
    activity = Activity.objects.create(
        title=data.title.strip(),
        description=data.description.strip(),
        region=data.region,
        place=data.place.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        checkin_code=new_checkin_code(),
        created_by=created_by,
    )
    activity.skills.set(data.skills)
    portal_services.audit_record(
        actor=created_by, action="activity.created", target=activity, region=data.region
    )
    changes.announce(activity, what={"created"})
    return activity


@transaction.atomic
def signup_create(*, activity: Activity, profile: VolunteerProfile) -> tuple[SignUp, list[SignUp]]:
    """Take a place, or one on the waiting list when full. Returns the sign-up and the person's
    overlapping sign-ups, which the page shows as a warning (not a refusal)."""
    if not profile.is_approved:
        raise ValidationError(_("Only approved volunteers can sign up."))
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This activity has already started."))
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    taken = activity.signups.filter(status=SignUp.Status.CONFIRMED).count()
    status = SignUp.Status.CONFIRMED if taken < activity.capacity else SignUp.Status.WAITING
    signup = SignUp.objects.filter(activity=activity, profile=profile).first()
    if signup and signup.status != SignUp.Status.CANCELLED:
        raise ValidationError(_("You have already signed up."))
    if signup:
        signup.status, signup.created_at = status, timezone.now()
        signup.save(update_fields=["status", "created_at"])
    else:
        signup = SignUp.objects.create(activity=activity, profile=profile, status=status)
    portal_services.audit_record(
        actor=profile.user,
        action="activity.signed_up",
        target=activity,
        region=activity.region,
        data={"status": status},
    )
    return signup, list(overlapping_signups(profile, activity))


@transaction.atomic
def signup_cancel(*, signup: SignUp, by: User) -> SignUp:
    """Give the place up; the first on the waiting list moves up and is told."""
    from volunteers.services.notices import tell

    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    if signup.status == SignUp.Status.CANCELLED:
        return signup
    if signup.checked_in_at:
        raise ValidationError(_("You have already checked in."))
    freed = signup.status == SignUp.Status.CONFIRMED
    signup.status = SignUp.Status.CANCELLED
    signup.save(update_fields=["status"])
    if freed:
        waiting = (
            activity.signups.filter(status=SignUp.Status.WAITING)
            .select_related("profile")
            .order_by("created_at", "id")
            .first()
        )
        if waiting:
            waiting.status = SignUp.Status.CONFIRMED
            waiting.save(update_fields=["status"])
            with translation.override("zh-hans"):
                tell(
                    [waiting.profile.user_id],
                    kind="activity.place",
                    title=_("You have a place at %(title)s") % {"title": activity.title},
                )
    portal_services.audit_record(
        actor=by, action="activity.cancelled", target=activity, region=activity.region
    )
    return signup


# A six-digit code is a million guesses: a person gets a few wrong tries per activity, then waits.
CHECKIN_ATTEMPTS = 5
CHECKIN_LOCKOUT = timedelta(minutes=15)
# Check-in opens a little before the start (people queue at the door) and closes at the end.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


def checkin_window(activity: Activity) -> tuple[datetime, datetime]:
    return activity.starts_at - CHECKIN_OPENS_BEFORE, activity.ends_at


def activity_check_in(*, activity: Activity, profile: VolunteerProfile, code: str) -> SignUp:
    """Record attendance with the code shown at the event: only by a person with a confirmed
    place, only in the activity's window, and only while they have tries left. A wrong code
    is counted even though the call fails (the count is committed before the error)."""
    now = timezone.now()
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update()
            .filter(activity=activity, profile=profile, status=SignUp.Status.CONFIRMED)
            .first()
        )
        if signup is None:
            raise ValidationError(_("You have no confirmed place at this activity."))
        if signup.checked_in_at is not None:
            return signup
        opens, closes = checkin_window(activity)
        if not opens <= now <= closes:
            raise ValidationError(
                _("Check-in is open from %(opens)s to %(closes)s.")
                % {
                    "opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
                    "closes": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M"),
                }
            )
        if signup.checkin_failed_at and now - signup.checkin_failed_at >= CHECKIN_LOCKOUT:
            signup.checkin_failures = 0
        if signup.checkin_failures >= CHECKIN_ATTEMPTS:
            again = timezone.localtime(signup.checkin_failed_at + CHECKIN_LOCKOUT)
            raise ValidationError(
                {
                    "code": _("Too many wrong codes. Try again after %(time)s.")
                    % {"time": again.strftime("%H:%M")}
                }
            )
        if secrets.compare_digest((code or "").strip(), activity.checkin_code):
            signup.checked_in_at = now
            signup.checkin_failures = 0
            signup.save(update_fields=["checked_in_at", "checkin_failures"])
            portal_services.audit_record(
                actor=profile.user,
                action="activity.checked_in",
                target=activity,
                region=activity.region,
            )
            return signup
        signup.checkin_failures += 1
        signup.checkin_failed_at = now
        signup.save(update_fields=["checkin_failures", "checkin_failed_at"])
        left = CHECKIN_ATTEMPTS - signup.checkin_failures
    raise ValidationError(
        {
            "code": _("This check-in code is wrong.")
            + " "
            + (
                ngettext("%(left)d try left.", "%(left)d tries left.", left) % {"left": left}
                if left
                else _("No tries left for %(minutes)d minutes.")
                % {"minutes": CHECKIN_LOCKOUT.seconds // 60}
            )
        }
    )


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Whole half-hours served, at least 0.5 and at most 12."""
    halves = math.floor((end - start).total_seconds() / 1800)
    return min(Decimal(12), max(Decimal("0.5"), Decimal(halves) / 2))


@transaction.atomic
def activity_check_out(*, signup: SignUp, description: str = "") -> ServiceRecord:
    """Close the attendance and log its hours for the publisher to confirm."""
    from volunteers.services.hours import service_record_log

    if signup.checked_in_at is None:
        raise ValidationError(_("Check in first."))
    if signup.checked_out_at is not None:
        raise ValidationError(_("You have already checked out."))
    signup.checked_out_at = timezone.now()
    signup.save(update_fields=["checked_out_at"])
    activity = signup.activity
    return service_record_log(
        profile=signup.profile,
        date=timezone.localdate(signup.checked_in_at),
        hours=hours_between(signup.checked_in_at, signup.checked_out_at),
        description=description or activity.title,
        activity=activity,
    )
