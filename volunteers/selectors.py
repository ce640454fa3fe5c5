"""Every read of the volunteers app, scoped to the user asking.

A person sees their own profile; coordinators see the profiles serving a region they cover;
nobody else sees a profile (elsewhere people appear by display name only).
"""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from groups.models import Membership
from portal.models import Region, StaffRole, User
from portal.selectors import regions_covered_by, user_covers_region
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile
from volunteers.stars import star_progress

COORDINATOR = StaffRole.Role.COORDINATOR
ProfileRegion = VolunteerProfile.regions.through


def is_coordinator(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or regions_covered_by(user, role=COORDINATOR).exists()
    )


def own_profile(user: User) -> VolunteerProfile | None:
    if not user.is_authenticated:
        return None
    return VolunteerProfile.objects.filter(user=user).first()


def profiles_visible_to(user: User) -> QuerySet[VolunteerProfile]:
    """Profiles serving a region the user coordinates (all for admins); former volunteers'
    anonymised rows are not listed."""
    profiles = VolunteerProfile.objects.exclude(status=VolunteerProfile.Status.LEFT)
    if not user.is_authenticated:
        return profiles.none()
    if user.is_superuser:
        return profiles
    covered = regions_covered_by(user, role=COORDINATOR)
    # A semi-join (IN) rather than a correlated EXISTS: the database builds the set of serving
    # profiles once, which at provincial scale (60,000 people) is several times faster.
    serving = ProfileRegion.objects.filter(region__in=covered.values("pk")).values(
        "volunteerprofile_id"
    )
    return profiles.filter(pk__in=serving)


def directory_rows(user: User) -> QuerySet[VolunteerProfile]:
    """The coordinator's queue and directory rows, with what each row shows prefetched."""
    return (
        profiles_visible_to(user)
        .select_related("user")
        .prefetch_related(
            "skills", Prefetch("regions", Region.objects.only("id", "name", "code", "path"))
        )
    )


def profile_for_coordinator(user: User, pk: int, *, audit: bool = True) -> VolunteerProfile:
    """One profile a coordinator may see, or 404; reading real-name details is audited."""
    from portal.services import audit_record

    profile = directory_rows(user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    if audit:
        regions = profile.regions.all()
        audit_record(
            actor=user,
            action="volunteer.profile_viewed",
            target=profile,
            region=regions[0] if regions else None,
        )
    return profile


def my_records(profile: VolunteerProfile) -> QuerySet[ServiceRecord]:
    return profile.service_records.select_related("group", "activity", "region", "decided_by")


def my_totals(profile: VolunteerProfile) -> dict:
    totals = profile.service_records.aggregate(
        confirmed=Sum("hours", filter=Q(status=ServiceRecord.Status.CONFIRMED)),
        pending=Sum("hours", filter=Q(status=ServiceRecord.Status.PENDING)),
    )
    return {
        "confirmed": totals["confirmed"] or 0,
        "pending": totals["pending"] or 0,
        "stars": star_progress(totals["confirmed"] or 0),
    }


def records_decidable_by(user: User) -> QuerySet[ServiceRecord]:
    """Service records the user may confirm: in groups they lead or regions they coordinate."""
    records = ServiceRecord.objects.select_related("profile__user", "group", "activity", "region")
    if not user.is_authenticated:
        return records.none()
    if user.is_superuser:
        return records
    led = Membership.objects.filter(
        user=user, role=Membership.Role.LEAD, left_at__isnull=True
    ).values("group_id")
    covered = regions_covered_by(user, role=COORDINATOR)
    return records.filter(Q(group_id__in=led) | Q(region__in=covered.values("pk"))).exclude(
        profile__user=user
    )


def hours_totals(user: User, *, since=None) -> dict:
    """Confirmed hours the user may see, per region and month, and per group."""
    records = records_decidable_by(user).filter(status=ServiceRecord.Status.CONFIRMED)
    if since:
        records = records.filter(date__gte=since)
    by_region_month = (
        records.annotate(month=TruncMonth("date"))
        .values("region__name", "month")
        .annotate(hours=Sum("hours"), people=Count("profile", distinct=True))
        .order_by("-month", "region__name")
    )
    by_group = (
        records.filter(group__isnull=False)
        .values("group__code")
        .annotate(hours=Sum("hours"), people=Count("profile", distinct=True))
        .order_by("group__code")
    )
    return {"by_region_month": list(by_region_month), "by_group": list(by_group)}


def export_records(user: User, *, region: Region, start, end) -> QuerySet[ServiceRecord]:
    """A region's records (and beneath it) between two dates, for a coordinator covering it."""
    if not (user.is_superuser or regions_covered_by(user, role=COORDINATOR).filter(pk=region.pk)):
        raise Http404
    return (
        ServiceRecord.objects.filter(
            region__path__startswith=region.path, date__gte=start, date__lte=end
        )
        .select_related("profile__user", "group", "activity", "region", "decided_by")
        .order_by("date", "id")
    )


def activities_for(user: User) -> QuerySet[Activity]:
    """Upcoming activities a person may sign up for (those in regions they serve), or, for a
    coordinator, every activity of their regions."""
    activities = Activity.objects.select_related("region").annotate(
        taken=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED))
    )
    if not user.is_authenticated:
        return activities.none()
    if user.is_superuser:
        return activities
    covered = regions_covered_by(user, role=COORDINATOR)
    scope = Q(region__in=covered.values("pk"))
    profile = own_profile(user)
    if profile is not None and profile.is_approved:
        paths = list(profile.regions.values_list("path", flat=True))
        near = Q(pk__in=[])
        for path in paths:
            near |= Q(region__path__startswith=path)
        scope |= near & Q(ends_at__gte=timezone.now())
    return activities.filter(scope)


def activity_for(user: User, pk: int) -> Activity:
    activity = activities_for(user).filter(pk=pk).first()
    if activity is None:
        mine = own_profile(user)
        # A person keeps seeing an activity they signed up for, even after it ended.
        if mine is not None:
            activity = (
                Activity.objects.select_related("region")
                .annotate(taken=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)))
                .filter(pk=pk, signups__profile=mine)
                .first()
            )
    if activity is None:
        raise Http404
    return activity


def manages_activity(user: User, activity: Activity) -> bool:
    return user.is_superuser or (
        regions_covered_by(user, role=COORDINATOR).filter(pk=activity.region_id).exists()
    )


def my_signups(profile: VolunteerProfile) -> QuerySet[SignUp]:
    return (
        profile.signups.exclude(status=SignUp.Status.CANCELLED)
        .select_related("activity__region")
        .order_by("activity__starts_at")
    )


# --- who decides and who is told (read by the services before they write) ----------------------


def coordinators_of(profile: VolunteerProfile) -> list[int]:
    """Users holding a coordinator role over a region the profile serves (or above it)."""
    paths = list(profile.regions.values_list("path", flat=True))
    if not paths:
        return []
    return list(
        StaffRole.objects.filter(role=COORDINATOR, region__path__in=Region.paths_above_all(paths))
        .values_list("user_id", flat=True)
        .distinct()
    )


def vetting_region(profile: VolunteerProfile, user: User) -> Region | None:
    """The first region the profile serves that the user coordinates, or None."""
    covered = regions_covered_by(user, role=COORDINATOR)
    return profile.regions.filter(pk__in=covered.values("pk")).order_by("path").first()


def leads_held_by(user_id: int):
    """The person's current lead memberships: leading a group is what lets someone confirm
    its hours (leads_a_group, and the home page's to-do row as an Exists)."""
    return Membership.objects.filter(
        user_id=user_id, role=Membership.Role.LEAD, left_at__isnull=True
    )


def leads_a_group(user: User) -> bool:
    return user.is_authenticated and leads_held_by(user.pk).exists()


def confirmers_of(record: ServiceRecord) -> list[int]:
    """Who confirms: the group's lead, or the activity's publisher."""
    if record.group_id:
        return list(
            Membership.objects.filter(
                group_id=record.group_id, role=Membership.Role.LEAD, left_at__isnull=True
            ).values_list("user_id", flat=True)
        )
    return [record.activity.created_by_id] if record.activity_id else []


def may_decide(user: User, record: ServiceRecord) -> bool:
    """The group's lead or a coordinator of the record's region, never the person themselves."""
    if not user.is_authenticated or user.pk == record.profile.user_id:
        return False
    if (
        record.group_id
        and Membership.objects.filter(
            group_id=record.group_id, user=user, role=Membership.Role.LEAD, left_at__isnull=True
        ).exists()
    ):
        return True
    return user.is_superuser or user_covers_region(user, record.region, role=COORDINATOR)


def overlapping_signups(profile: VolunteerProfile, activity: Activity) -> QuerySet[SignUp]:
    """The person's other live sign-ups whose times overlap this activity's."""
    return (
        SignUp.objects.filter(
            profile=profile,
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .exclude(activity=activity)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("activity")
    )
