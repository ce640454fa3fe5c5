"""Referrals to jobs and programmes: sent, answered (in time), interviews, hired, and still
employed at the 30- and 90-day checks. Each counted in the month it happened, in the referred
group's judicial office."""

from datetime import date

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from dashboards import months as m
from dashboards.compute import Cells, Context, Counter, tally
from partners.models import FollowUp, Programme, Referral, ReferralStep

OFFICE = "group__judicial_office_id"


def referrals(context: Context, months: list[date], regions) -> Cells:
    start, end = m.bounds(months[0])[0], m.bounds(months[-1])[1]
    first_day, after = months[0], m.add_months(months[-1], 1)
    rows = Referral.objects.all()
    steps = ReferralStep.objects.all()
    checks = FollowUp.objects.exclude(outcome="")
    if regions is not None:
        rows = rows.filter(group__judicial_office_id__in=regions)
        steps = steps.filter(referral__group__judicial_office_id__in=regions)
        checks = checks.filter(referral__group__judicial_office_id__in=regions)

    def by_month(queryset, office, moment):
        return queryset.values_list(office, TruncMonth(moment)).annotate(n=Count("pk")).order_by()

    sent = rows.filter(referred_at__gte=start, referred_at__lt=end)
    answered = rows.filter(responded_at__gte=start, responded_at__lt=end)
    parts = {
        "referrals.sent": by_month(sent, OFFICE, "referred_at"),
        "referrals.vocational": by_month(
            sent.filter(programme__kind=Programme.Kind.VOCATIONAL), OFFICE, "referred_at"
        ),
        "referrals.answered": by_month(answered, OFFICE, "responded_at"),
        "referrals.answered_in_time": by_month(
            answered.filter(responded_at__lte=F("respond_by")), OFFICE, "responded_at"
        ),
        "referrals.interviews": by_month(
            steps.filter(status=Referral.Status.INTERVIEW, at__gte=start, at__lt=end),
            f"referral__{OFFICE}",
            "at",
        ),
        "referrals.hired": by_month(
            rows.filter(hired_on__gte=first_day, hired_on__lt=after), OFFICE, "hired_on"
        ),
    }
    due = checks.filter(due_on__gte=first_day, due_on__lt=after)
    for days in (30, 90):
        parts[f"referrals.checked_{days}"] = by_month(
            due.filter(days=days), f"referral__{OFFICE}", "due_on"
        )
        parts[f"referrals.retained_{days}"] = by_month(
            due.filter(Q(days=days, outcome=FollowUp.Outcome.EMPLOYED)),
            f"referral__{OFFICE}",
            "due_on",
        )
    cells: Cells = {}
    wanted = set(months)
    for key, counted in parts.items():
        tally(cells, counted, key, wanted)
    return cells


COUNTERS = (
    Counter(
        "referrals",
        (
            "referrals.sent",
            "referrals.vocational",
            "referrals.answered",
            "referrals.answered_in_time",
            "referrals.interviews",
            "referrals.hired",
            "referrals.checked_30",
            "referrals.retained_30",
            "referrals.checked_90",
            "referrals.retained_90",
        ),
        referrals,
    ),
)
