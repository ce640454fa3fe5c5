"""To-dos of the partners app on the home page (portal.todo): a partner member's referrals
waiting for an answer and postings closing within the week; a group lead's referrals still
waiting for the organisation; a coordinator's referrals past their deadline.

Whatever the number of referrals or postings, each person's items are read in one query: a row
for the user with one scalar subquery per figure (a count, an earliest date), so someone with
no place in an organisation or a group costs nothing more than that row."""

from datetime import datetime, timedelta

from django.db.models import F, Func, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from partners.models import JobPlacement, OrganisationMember, Programme, Referral
from partners.selectors import referrals_coordinated_by
from portal.models import AccountKind, StaffRole, User
from portal.todo import CappedCount, Todo

CLOSING_DAYS = 7
# Who may hold a lead's or a social worker's place in a group (groups.gate).
GROUP_SIDE_KINDS = (AccountKind.STAFF, AccountKind.SOCIAL_WORKER)
# Only the lead: the referral list shows a group's referrals to its lead
# (partners.selectors.referrals_visible_to), and a count nobody can open is a dead end.
GROUP_SIDE_ROLES = (Membership.Role.LEAD,)


def _scalar(queryset, function: str, field: str = "pk") -> Subquery:
    """COUNT or MIN of `field` over the whole queryset, as a subquery of one value."""
    return Subquery(queryset.order_by().annotate(v=Func(F(field), function=function)).values("v"))


def _awaiting(prefix: str, referrals, now: datetime) -> dict:
    """How many of the referrals await the organisation's answer, the earliest deadline among
    them and how many are past it."""
    waiting = referrals.filter(status__in=Referral.AWAITING_RESPONSE)
    return {
        f"{prefix}_waiting": _scalar(waiting, "COUNT"),
        f"{prefix}_earliest": _scalar(waiting, "MIN", "respond_by"),
        f"{prefix}_overdue": _scalar(waiting.filter(respond_by__lt=now), "COUNT"),
    }


def _day(value) -> str:
    day = timezone.localtime(value) if isinstance(value, datetime) else value
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def _deadline_note(earliest, overdue: int) -> str:
    parts = []
    if overdue:
        parts.append(_("%(count)d past the deadline") % {"count": overdue})
    if earliest is not None:
        parts.append(_("earliest due %(date)s") % {"date": _day(earliest)})
    return " · ".join(parts)


def _partner_figures(user: User, now: datetime) -> dict:
    organisations = OrganisationMember.objects.filter(user=user, left_at__isnull=True).values(
        "organisation_id"
    )
    # Partners see referrals of active groups only (selectors.referrals_visible_to).
    referrals = Referral.objects.filter(
        organisation__in=organisations, group__status=CorrectionGroup.Status.ACTIVE
    )
    today = timezone.localdate()
    closing = Q(
        organisation__in=organisations,
        status=JobPlacement.Status.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + timedelta(days=CLOSING_DAYS),
    )
    jobs = JobPlacement.objects.filter(closing)
    programmes = Programme.objects.filter(closing)
    return {
        "organisations": _scalar(organisations, "COUNT", "organisation_id"),
        "first_organisation": _scalar(organisations, "MIN", "organisation_id"),
        **_awaiting("partner", referrals, now),
        "jobs_closing": _scalar(jobs, "COUNT"),
        "jobs_first": _scalar(jobs, "MIN", "closes_on"),
        "programmes_closing": _scalar(programmes, "COUNT"),
        "programmes_first": _scalar(programmes, "MIN", "closes_on"),
    }


def _partner(row: dict) -> list[Todo]:
    if not row["organisations"]:
        return []
    if row["organisations"] == 1:
        postings_url = reverse("partners:manage", args=[row["first_organisation"]])
    else:
        postings_url = reverse("partners:mine")
    dates = [d for d in (row["jobs_first"], row["programmes_first"]) if d is not None]
    return [
        Todo(
            _("Referrals waiting for your answer"),
            reverse("partners:referrals"),
            count=row["partner_waiting"],
            note=_deadline_note(row["partner_earliest"], row["partner_overdue"]),
            urgent=bool(row["partner_overdue"]),
        ),
        Todo(
            _("Postings closing within %(days)d days") % {"days": CLOSING_DAYS},
            postings_url,
            count=row["jobs_closing"] + row["programmes_closing"],
            note=_("earliest closes %(date)s") % {"date": _day(min(dates))} if dates else "",
        ),
    ]


def _group_side_figures(user: User, now: datetime) -> dict:
    places = Membership.objects.filter(user=user, role__in=GROUP_SIDE_ROLES, left_at__isnull=True)
    referrals = Referral.objects.filter(group__in=places.values("group_id"))
    return {"places": _scalar(places, "COUNT"), **_awaiting("group", referrals, now)}


def _group_side(row: dict) -> list[Todo]:
    if not row["places"]:
        return []
    return [
        Todo(
            _("Referrals waiting for the organisation's answer"),
            reverse("partners:referrals"),
            count=row["group_waiting"],
            note=_deadline_note(row["group_earliest"], row["group_overdue"]),
            urgent=bool(row["group_overdue"]),
        )
    ]


def _coordinator(row: dict) -> list[Todo]:
    overdue = row["coordinated_overdue"]
    return [
        Todo.counted(
            _("Referrals past their deadline"),
            reverse("partners:referrals"),
            overdue,
            urgent=bool(overdue),
        )
    ]


def items(user, roles) -> list[Todo]:
    now = timezone.now()
    partner = user.kind == AccountKind.PARTNER
    group_side = user.kind in GROUP_SIDE_KINDS
    coordinator = user.is_superuser or StaffRole.Role.COORDINATOR in roles
    figures = {}
    if partner:
        figures |= _partner_figures(user, now)
    if group_side:
        figures |= _group_side_figures(user, now)
    if coordinator:
        late = referrals_coordinated_by(user).filter(
            status__in=Referral.AWAITING_RESPONSE, respond_by__lt=now
        )
        # Up to portal.todo.CAP ("99+"): a province's late referrals run to thousands.
        figures["coordinated_overdue"] = CappedCount(late)
    if not figures:
        return []
    row = User.objects.filter(pk=user.pk).values(**figures).get()
    todos = []
    if partner:
        todos += _partner(row)
    if group_side:
        todos += _group_side(row)
    if coordinator:
        todos += _coordinator(row)
    return todos
