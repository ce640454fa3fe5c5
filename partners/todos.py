"""To-dos of the partners app on the home page (portal.todo): a partner member's referrals
waiting for an answer and postings closing within the week; a group lead's referrals still
waiting for the organisation; a coordinator's referrals past their deadline.

Whatever the number of referrals or postings, each person's items are read in one query: a row
for the user with one scalar subquery per figure (a count, an earliest date), so someone with
no place in an organisation or a group costs nothing more than that row."""

from datetime import UTC, date, datetime, timedelta

from django.db.models import F, Func, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from partners.models import JobPlacement, OrganisationMember, Programme, Referral
from partners.selectors import referrals_coordinated_by
from portal.models import AccountKind, StaffRole, User
from portal.prepared import Prepared
from portal.scoped import RegionScopedRow
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


def _partner_figures(user_id: int, now: datetime, today: date, until: date) -> dict:
    organisations = OrganisationMember.objects.filter(user_id=user_id, left_at__isnull=True).values(
        "organisation_id"
    )
    # Partners see referrals of active groups only (selectors.referrals_visible_to).
    referrals = Referral.objects.filter(
        organisation__in=organisations, group__status=CorrectionGroup.Status.ACTIVE
    )
    closing = Q(
        organisation__in=organisations,
        status=JobPlacement.Status.OPEN,
        closes_on__gte=today,
        closes_on__lte=until,
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


def _group_side_figures(user_id: int, now: datetime) -> dict:
    places = Membership.objects.filter(
        user_id=user_id, role__in=GROUP_SIDE_ROLES, left_at__isnull=True
    )
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


def _row_query(user_id: int, figures: dict):
    return User.objects.filter(pk=user_id).values(**figures)


# A partner's figures and a group side's, compiled once per process (portal.prepared): their
# ten subqueries took twice as long to build as the database took to answer. A coordinator's
# depend on the regions they cover: compiled for each shape of those (portal.scoped).
_USER_STAND_IN = -7_204_713
_NOW_STAND_IN = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_PARTNER_ROW = Prepared(
    lambda user_id, now, today, until: _row_query(
        user_id, _partner_figures(user_id, now, today, until)
    ),
    user_id=_USER_STAND_IN,
    now=_NOW_STAND_IN,
    today=date(1901, 2, 3),
    until=date(1901, 2, 3) + timedelta(days=CLOSING_DAYS),
)
_GROUP_SIDE_ROW = Prepared(
    lambda user_id, now: _row_query(user_id, _group_side_figures(user_id, now)),
    user_id=_USER_STAND_IN,
    now=_NOW_STAND_IN,
)


def _coordinator_figures(person, variant, **values) -> dict:
    """A coordinator's referrals past their deadline (up to portal.todo.CAP, "99+": a
    province's late referrals run to thousands), with their own figures as a partner member or
    a group side if they are one as well (`variant`)."""
    partner, group_side = variant
    figures = {}
    if partner:
        figures |= _partner_figures(person.pk, values["now"], values["today"], values["until"])
    if group_side:
        figures |= _group_side_figures(person.pk, values["now"])
    late = referrals_coordinated_by(person).filter(
        status__in=Referral.AWAITING_RESPONSE, respond_by__lt=values["now"]
    )
    figures["coordinated_overdue"] = CappedCount(late)
    return figures


# Compiled once per process for each shape of the coordinator's regions.
_COORDINATOR_ROW = RegionScopedRow(
    _coordinator_figures,
    roles={StaffRole.Role.COORDINATOR},
    now=_NOW_STAND_IN,
    today=date(1901, 2, 3),
    until=date(1901, 2, 3) + timedelta(days=CLOSING_DAYS),
)


def _coordinator_row(user, now: datetime, partner: bool, group_side: bool) -> dict:
    values = {"now": now}
    if partner:
        today = timezone.localdate()
        values |= {"today": today, "until": today + timedelta(days=CLOSING_DAYS)}
    return _COORDINATOR_ROW.get(user, (partner, group_side), **values)


def items(user, roles) -> list[Todo]:
    now = timezone.now()
    partner = user.kind == AccountKind.PARTNER
    group_side = user.kind in GROUP_SIDE_KINDS
    coordinator = user.is_superuser or StaffRole.Role.COORDINATOR in roles
    if coordinator:
        row = _coordinator_row(user, now, partner, group_side)
    elif partner:
        today = timezone.localdate()
        until = today + timedelta(days=CLOSING_DAYS)
        row = _PARTNER_ROW.dicts(user_id=user.pk, now=now, today=today, until=until)[0]
    elif group_side:
        row = _GROUP_SIDE_ROW.dicts(user_id=user.pk, now=now)[0]
    else:
        return []
    todos = []
    if partner:
        todos += _partner(row)
    if group_side:
        todos += _group_side(row)
    if coordinator:
        todos += _coordinator(row)
    return todos
