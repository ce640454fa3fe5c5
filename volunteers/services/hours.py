"""Service hours: logged by the person, confirmed or rejected by the group's lead or a
coordinator of the region where the service happened."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from portal import services as portal_services
from portal.models import User
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile
from volunteers.selectors import confirmers_of, may_decide

MIN_HOURS, MAX_HOURS, STEP = Decimal("0.5"), Decimal("12"), Decimal("0.5")
# A person cannot serve more than this in one day, across all records.
MAX_HOURS_PER_DAY = Decimal("12")


def validate_hours(hours: Decimal) -> None:
    if hours < MIN_HOURS or hours > MAX_HOURS:
        raise ValidationError({"hours": _("Hours must be between 0.5 and 12.")})
    if hours % STEP:
        raise ValidationError({"hours": _("Hours go in half-hour steps, e.g. 1.5.")})


@transaction.atomic
def service_record_log(
    *,
    profile: VolunteerProfile,
    date,
    hours: Decimal,
    description: str,
    group: CorrectionGroup | None = None,
    activity: Activity | None = None,
) -> ServiceRecord:
    """Log hours for confirmation. The person must be approved, the date not in the future, the
    hours 0.5 to 12 in half-hour steps, for a group they belong to or an activity they attended,
    and the day's total may not pass 12 hours (overlapping shifts)."""
    from volunteers.services.notices import tell

    hours = Decimal(hours)
    if not profile.is_approved:
        raise ValidationError(_("Only approved volunteers can log hours."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    validate_hours(hours)
    if (group is None) == (activity is None):
        raise ValidationError({"group": _("Choose either a correction group or an activity.")})
    if group is not None:
        if not Membership.objects.filter(
            group=group, user_id=profile.user_id, left_at__isnull=True
        ).exists():
            raise ValidationError({"group": _("You can log hours only for your own groups.")})
        region = group.judicial_office
    else:
        if not SignUp.objects.filter(
            activity=activity, profile=profile, status=SignUp.Status.CONFIRMED
        ).exists():
            raise ValidationError({"activity": _("You did not take part in this activity.")})
        if ServiceRecord.objects.filter(profile=profile, activity=activity).exists():
            raise ValidationError({"activity": _("Hours for this activity are already logged.")})
        region = activity.region
    VolunteerProfile.objects.select_for_update().filter(pk=profile.pk).first()
    day_total = ServiceRecord.objects.filter(profile=profile, date=date).exclude(
        status=ServiceRecord.Status.REJECTED
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if day_total + hours > MAX_HOURS_PER_DAY:
        raise ValidationError(
            {
                "hours": _(
                    "You already logged %(logged)s hours on this day; shifts cannot overlap "
                    "beyond 12 hours a day."
                )
                % {"logged": day_total}
            }
        )
    record = ServiceRecord.objects.create(
        profile=profile,
        date=date,
        hours=hours,
        group=group,
        activity=activity,
        region=region,
        description=description.strip(),
    )
    portal_services.audit_record(
        actor=profile.user,
        action="volunteer.hours_logged",
        target=record,
        region=region,
        data={"hours": str(hours)},
    )
    with translation.override("zh-hans"):
        tell(
            confirmers_of(record),
            kind="hours.logged",
            title=_("Hours to confirm: %(name)s, %(hours)s h") % {"name": profile, "hours": hours},
            url=reverse("volunteers:hours_review"),
        )
    return record


@transaction.atomic
def service_record_decide(
    *, record: ServiceRecord, confirm: bool, reason: str = "", decided_by: User
) -> ServiceRecord:
    """Confirm (the hours then count towards totals and stars) or reject (reason required)."""
    from volunteers.services.notices import tell

    record = ServiceRecord.objects.select_for_update().select_related("profile").get(pk=record.pk)
    if not may_decide(decided_by, record):
        raise PermissionDenied
    if record.status != ServiceRecord.Status.PENDING:
        raise ValidationError(_("These hours were already decided."))
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Give a reason; the person will read it.")})
    record.status = ServiceRecord.Status.CONFIRMED if confirm else ServiceRecord.Status.REJECTED
    record.decided_by = decided_by
    record.decided_at = timezone.now()
    record.reject_reason = "" if confirm else reason.strip()
    record.save()
    if confirm:
        VolunteerProfile.objects.filter(pk=record.profile_id).update(
            confirmed_hours=F("confirmed_hours") + record.hours
        )
    portal_services.audit_record(
        actor=decided_by,
        action="volunteer.hours_confirmed" if confirm else "volunteer.hours_rejected",
        target=record,
        region=record.region,
        data={"hours": str(record.hours)},
    )
    with translation.override("zh-hans"):
        title = (
            _("%(hours)s hours confirmed") if confirm else _("%(hours)s hours not confirmed")
        ) % {"hours": record.hours}
        tell(
            [record.profile.user_id],
            kind="hours.decided",
            title=title,
            body=record.reject_reason,
            url=reverse("volunteers:hours"),
        )
    return record
