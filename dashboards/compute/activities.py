"""Volunteer work: confirmed service hours where the service happened, and activities held in
their region with the places taken and the people who checked in."""

from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, tally
from volunteers.models import Activity, ServiceRecord, SignUp

CONFIRMED = ServiceRecord.Status.CONFIRMED


def service(context: Context, months: list[date], regions) -> Cells:
    records = ServiceRecord.objects.filter(
        status=CONFIRMED, date__gte=months[0], date__lt=m.add_months(months[-1], 1)
    )
    if regions is not None:
        records = records.filter(region_id__in=regions)
    rows = list(
        records.values_list("region_id", TruncMonth("date"))
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by()
    )
    cells: Cells = {}
    wanted = set(months)
    # Hours are stored in tenths: the records have one decimal place, so sums stay exact.
    tally(
        cells, ((r, when, int(hours * 10)) for r, when, hours, _n in rows), "service.hours", wanted
    )
    tally(cells, ((r, when, n) for r, when, _hours, n in rows), "service.records", wanted)
    return cells


def activities(context: Context, months: list[date], regions) -> Cells:
    start, end = m.bounds(months[0])[0], m.bounds(months[-1])[1]
    held = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end)
    signups = SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED, activity__starts_at__gte=start, activity__starts_at__lt=end
    )
    hours = ServiceRecord.objects.filter(
        status=CONFIRMED,
        activity__isnull=False,
        date__gte=months[0],
        date__lt=m.add_months(months[-1], 1),
    )
    if regions is not None:
        held = held.filter(region_id__in=regions)
        signups = signups.filter(activity__region_id__in=regions)
        hours = hours.filter(activity__region_id__in=regions)
    cells: Cells = {}
    wanted = set(months)

    def by_month(queryset, region, moment):
        return queryset.values_list(region, TruncMonth(moment)).annotate(n=Count("pk")).order_by()

    tally(cells, by_month(held, "region_id", "starts_at"), "activities.held", wanted)
    tally(
        cells,
        by_month(signups, "activity__region_id", "activity__starts_at"),
        "activities.signups",
        wanted,
    )
    tally(
        cells,
        by_month(
            signups.filter(checked_in_at__isnull=False),
            "activity__region_id",
            "activity__starts_at",
        ),
        "activities.checked_in",
        wanted,
    )
    served = (
        hours.values_list("activity__region_id", TruncMonth("date"))
        .annotate(h=Sum("hours"))
        .order_by()
    )
    tally(cells, ((r, when, int(h * 10)) for r, when, h in served), "activities.hours", wanted)
    return cells


COUNTERS = (
    Counter("service", ("service.hours", "service.records"), service),
    Counter(
        "activities",
        ("activities.held", "activities.signups", "activities.checked_in", "activities.hours"),
        activities,
    ),
)
