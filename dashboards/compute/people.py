"""Social forces: approved social workers and volunteers, those active in the month, their star
levels, and the verified universities, enterprises and agencies."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, month_of
from partners.models import Organisation
from volunteers.models import ServiceRecord, SignUp, VolunteerProfile
from volunteers.stars import star_progress

Kind = VolunteerProfile.Kind
CONFIRMED = ServiceRecord.Status.CONFIRMED


def _month_ends(months: list[date]) -> list[tuple[date, date]]:
    """(month, the first day after it)."""
    return [(month, m.add_months(month, 1)) for month in months]


def people_state(context: Context, months: list[date], regions) -> Cells:
    """Approved people at each month's end, and their stars, where they are counted (their home
    region). Approval dates stand in for the vetting history; confirmed hours at a month's end
    are today's total less what was served after it."""
    home = context.home_regions()
    approved = list(
        VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPROVED).values_list(
            "pk", "kind", "confirmed_hours", "decided_at"
        )
    )
    today = context.now.date()
    earliest_end = min(m.add_months(month, 1) for month in months)
    later: dict[int, list[tuple[date, Decimal]]] = {}
    if earliest_end <= today:  # a past month: hours served since its end are taken off
        rows = (
            ServiceRecord.objects.filter(status=CONFIRMED, date__gte=earliest_end)
            .values_list("profile_id", TruncMonth("date"))
            .annotate(hours=Sum("hours"))
            .order_by()
        )
        for pk, month, hours in rows:
            later.setdefault(pk, []).append((month_of(month), hours))
    cells: Cells = {}
    for month, end in _month_ends(months):
        until = m.bounds(month)[1]
        for pk, kind, hours, decided_at in approved:
            region = home.get(pk)
            if region is None or (decided_at is not None and decided_at >= until):
                continue
            key = "people.social_workers" if kind == Kind.SOCIAL_WORKER else "people.volunteers"
            cells[(region, month, key)] = cells.get((region, month, key), 0) + 1
            hours_then = hours - sum((h for when, h in later.get(pk, ()) if when >= end), 0)
            stars = star_progress(hours_then).stars
            if stars:
                key = f"service.stars_{stars}"
                cells[(region, month, key)] = cells.get((region, month, key), 0) + 1
    return cells


def people_active(context: Context, months: list[date], regions) -> Cells:
    """Volunteers with confirmed hours, or a check-in at an activity, in the month."""
    home = context.home_regions()
    start, end = m.bounds(months[0])[0], m.bounds(months[-1])[1]
    served = (
        ServiceRecord.objects.filter(
            status=CONFIRMED,
            profile__kind=Kind.VOLUNTEER,
            date__gte=months[0],
            date__lt=m.add_months(months[-1], 1),
        )
        .values_list("profile_id", TruncMonth("date"))
        .order_by()  # the model's ordering would join the DISTINCT
        .distinct()
    )
    checked_in = (
        SignUp.objects.filter(
            profile__kind=Kind.VOLUNTEER, checked_in_at__gte=start, checked_in_at__lt=end
        )
        .values_list("profile_id", TruncMonth("checked_in_at"))
        .order_by()
        .distinct()
    )
    active = {(pk, month_of(when)) for pk, when in [*served, *checked_in]}
    wanted = set(months)
    cells: Cells = {}
    for pk, month in active:
        region = home.get(pk)
        if region is not None and month in wanted:
            key = (region, month, "people.volunteers_active")
            cells[key] = cells.get(key, 0) + 1
    return cells


ORGANISATION_KEYS = {
    Organisation.Kind.UNIVERSITY: "people.universities",
    Organisation.Kind.ENTERPRISE: "people.enterprises",
    Organisation.Kind.AGENCY: "people.agencies",
}


def organisations(context: Context, months: list[date], regions) -> Cells:
    """Verified organisations by kind at each month's end, in their own region."""
    verified = Organisation.objects.filter(
        status=Organisation.Status.VERIFIED, kind__in=list(ORGANISATION_KEYS)
    )
    if regions is not None:
        verified = verified.filter(region_id__in=regions)
    cells: Cells = {}
    for month in months:
        until = m.bounds(month)[1]
        rows = (
            verified.filter(Q(verified_at__lt=until) | Q(verified_at__isnull=True))
            .values_list("region_id", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for region, kind, n in rows:
            cells[(region, month, ORGANISATION_KEYS[kind])] = n
    return cells


COUNTERS = (
    Counter(
        "people.state",
        (
            "people.social_workers",
            "people.volunteers",
            *(f"service.stars_{n}" for n in range(1, 6)),
        ),
        people_state,
        state=True,
        scoped=False,
    ),
    Counter("people.active", ("people.volunteers_active",), people_active, scoped=False),
    Counter("organisations", tuple(ORGANISATION_KEYS.values()), organisations, state=True),
)
