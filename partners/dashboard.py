"""An organisation's own page (/partners/organisations/<id>/manage/), read for its members:
its postings with their first referrals, its members, requests and invitations.

The page is read on every visit of a member at work, so its reads are shaped for it: rows of
plain values, not model instances, from queries compiled once per process (portal.prepared),
and the referral table written here rather than by a template loop."""

from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from django.db.models import Case, Count, F, OuterRef, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup
from partners.models import (
    Invitation,
    JobPlacement,
    JoinRequest,
    Organisation,
    OrganisationMember,
    Posting,
    Programme,
    Referral,
)
from portal.models import User
from portal.prepared import Prepared

# An organisation's id no row has, for the queries compiled once (portal.prepared).
_STAND_IN = -7_204_717


# How many referrals each posting shows on its organisation's page; the rest are one link away
# (the referral list filtered to the posting). Rendering every referral of every posting made the
# page's cost grow with the organisation's history (500 rows were most of its time).
DASHBOARD_REFERRALS = 10


def _referral_rows(organisation_id: int):
    awaiting = Case(When(status__in=Referral.AWAITING_RESPONSE, then=Value(0)), default=Value(1))
    per_posting = {"partition_by": [F("job_id"), F("programme_id")]}
    # The group's code as a correlated subquery (NULL once the group is closed), not a join: an
    # organisation's few hundred referrals are then looked up one by one by primary key, where
    # the planner chose to hash all 40,000 active groups of the province for the join (60 ms).
    active_code = (
        CorrectionGroup.objects.filter(
            pk=OuterRef("group_id"), status=CorrectionGroup.Status.ACTIVE
        )
        .order_by()
        .values("code")
    )
    return (
        Referral.objects.filter(organisation_id=organisation_id)
        .annotate(code=Subquery(active_code))
        .filter(code__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                order_by=[awaiting.asc(), F("referred_at").desc(), F("id").desc()],
                **per_posting,
            ),
            total=Window(Count("id"), **per_posting),
        )
        .filter(rank__lte=DASHBOARD_REFERRALS)
        .order_by()
        .values_list(
            "job_id", "programme_id", "rank", "total", "id", "code", "status",
            "referred_at", "respond_by",
        )
    )  # fmt: skip


# Compiled once per process (portal.prepared): building the window query took longer than
# the database took to answer it.
_REFERRALS = Prepared(_referral_rows, organisation_id=_STAND_IN)


def _referrals(organisation: Organisation, postings: list["DashboardPosting"]) -> None:
    """Set `referral_rows` (the table's rows, HTML) and `referral_count` on each posting: the
    referrals the organisation sees (their group still active), those awaiting its answer first
    (what it has to act on), then the newest. One query for all postings, the count and the cap
    computed by the database (window functions), plain tuples rather than model instances (the
    page shows four columns; a referral's shared facts and note are read on its own page).

    The rows are written here rather than by a template loop: a posting's ten rows of four
    cells were most of the page's rendering. Everything from the database is escaped."""
    labels = {value: escape(str(label)) for value, label in Referral.Status.choices}
    # A referral's page is the list's address and its id (partners/urls.py): one reverse() for
    # the page, not one per row.
    base = escape(reverse("partners:referrals"))
    here = timezone.get_current_timezone()
    found: dict[tuple, list] = {}
    rows = _REFERRALS.rows(organisation_id=organisation.pk)
    for job_id, programme_id, rank, total, pk, code, status, referred_at, respond_by in rows:
        key = ("job", job_id) if job_id else ("programme", programme_id)
        answer_by = (
            f"{respond_by.astimezone(here):%Y-%m-%d}"
            if status in Referral.AWAITING_RESPONSE
            else ""
        )
        found.setdefault(key, [total, []])[1].append(
            (
                rank,
                f'<tr><td><a href="{base}{pk}/">{escape(code)}</a></td>'
                f"<td>{labels.get(status) or escape(status)}</td>"
                f"<td>{referred_at.astimezone(here):%Y-%m-%d}</td><td>{answer_by}</td></tr>",
            )
        )
    for posting in postings:
        total, ranked = found.get((posting.kind, posting.pk), (0, []))
        posting.referral_count = total
        ranked.sort(key=itemgetter(0))
        # Safe: the codes and labels are escaped above, the rest are numbers and dates.
        posting.referral_rows = mark_safe("".join(row for _rank, row in ranked))  # noqa: S308
        if total > DASHBOARD_REFERRALS:
            posting.more_note = _(
                "%(shown)s of %(total)s referrals shown: those awaiting your answer first, "
                "then the newest."
            ) % {"shown": DASHBOARD_REFERRALS, "total": total}


@dataclass
class DashboardPosting:
    """A posting as its organisation's page lists it."""

    kind: str  # "job" or "programme"
    pk: int
    title: str
    status_label: str
    closes_on: date
    url: str = ""
    closes_note: str = ""
    referral_count: int = 0
    referral_rows: SafeString = SafeString("")
    more_note: str = ""  # how many of how many referrals are shown, when not all are


def _posting_rows(model):
    return lambda organisation_id: (
        model.objects.filter(organisation_id=organisation_id)
        .order_by("-created_at", "-id")
        .values_list("pk", "title", "status", "closes_on")
    )


_JOBS = Prepared(_posting_rows(JobPlacement), organisation_id=_STAND_IN)
_PROGRAMMES = Prepared(_posting_rows(Programme), organisation_id=_STAND_IN)
_POSTINGS = (("job", _JOBS, "partners:jobs"), ("programme", _PROGRAMMES, "partners:programmes"))
# Members, pending requests to join and open invitations, in their models' own order.
_PERSON = ("user__display_name", "user__email", "user__mobile")
_MEMBERS = Prepared(
    lambda organisation_id: OrganisationMember.objects.filter(
        organisation_id=organisation_id, left_at__isnull=True
    ).values_list(*_PERSON, "role"),
    organisation_id=_STAND_IN,
)
_JOIN_REQUESTS = Prepared(
    lambda organisation_id: JoinRequest.objects.filter(
        organisation_id=organisation_id, status=JoinRequest.Status.PENDING
    ).values_list(*_PERSON, "pk", "message"),
    organisation_id=_STAND_IN,
)
_INVITATIONS = Prepared(
    lambda organisation_id: Invitation.objects.filter(
        organisation_id=organisation_id, accepted_at__isnull=True
    ).values_list("email", "created_at")[:20],
    organisation_id=_STAND_IN,
)


def _name(display_name: str, email: str | None, mobile: str | None) -> str:
    """How the portal names a person (User.__str__), from the three columns it reads."""
    return str(User(display_name=display_name, email=email, mobile=mobile))


def _cards(postings: list[DashboardPosting]) -> SafeString:
    """The postings' cards, each with its referral table, written here: the template's tags
    and variables, a dozen per card, were most of the page's rendering. Everything that is not
    a number or a date is escaped."""
    if not postings:
        return SafeString("")
    heading = "".join(
        f'<th scope="col">{escape(text)}</th>'
        for text in (_("Group"), _("Status"), _("Referred"), _("Answer by"))
    )
    table = (
        f'  <div class="table-scroll"><table>\n    <caption>{escape(_("Referrals"))}</caption>\n'
        f"    <thead><tr>{heading}</tr></thead>\n"
    )
    every = escape(_("All referrals to this posting"))
    none = escape(_("No referrals yet."))
    referrals = escape(reverse("partners:referrals"))
    parts = []
    for posting in postings:
        parts.append(
            f'<article class="card posting">\n  <h3><a href="{escape(posting.url)}">'
            f"{escape(posting.title)}</a>\n"
            f'    <span class="badge">{escape(posting.status_label)}</span></h3>\n'
            f'  <p class="meta">{escape(posting.closes_note)}</p>\n'
        )
        if posting.referral_rows:
            parts.append(f"{table}    <tbody>{posting.referral_rows}</tbody>\n  </table></div>\n")
            if posting.more_note:
                parts.append(
                    f'  <p class="meta">{escape(posting.more_note)}\n    <a href="{referrals}?'
                    f'{posting.kind}={posting.pk}">{every}</a></p>\n'
                )
        else:
            parts.append(f'  <p class="meta">{none}</p>\n')
        parts.append("</article>\n")
    return mark_safe("".join(parts))  # noqa: S308 - escaped above


def organisation_dashboard(organisation: Organisation) -> dict:
    """An organisation's own page: postings with their first referrals and how many there are,
    members, requests; the number of queries does not grow with postings or referrals, and the
    rows rendered are bounded by the postings (DASHBOARD_REFERRALS each)."""
    labels = {value: str(label) for value, label in Posting.Status.choices}
    # A posting's page is its list's address and its id (partners/urls.py): one reverse() for
    # each kind.
    postings = {}
    for kind, prepared, listing in _POSTINGS:
        base = reverse(listing)
        postings[kind] = [
            DashboardPosting(
                kind,
                pk,
                title,
                labels.get(status, status),
                closes_on,
                url=f"{base}{pk}/",
                closes_note=_("Closes %(closes)s") % {"closes": f"{closes_on:%Y-%m-%d}"},
            )
            for pk, title, status, closes_on in prepared.rows(organisation_id=organisation.pk)
        ]
    _referrals(organisation, postings["job"] + postings["programme"])
    roles = {value: str(label) for value, label in OrganisationMember.Role.choices}
    return {
        "jobs": postings["job"],
        "programmes": postings["programme"],
        "job_cards": _cards(postings["job"]),
        "programme_cards": _cards(postings["programme"]),
        "members": [
            {"name": _name(name, email, mobile), "role": roles.get(role, role)}
            for name, email, mobile, role in _MEMBERS.rows(organisation_id=organisation.pk)
        ],
        "join_requests": [
            {"pk": pk, "name": _name(name, email, mobile), "email": email, "message": message}
            for name, email, mobile, pk, message in _JOIN_REQUESTS.rows(
                organisation_id=organisation.pk
            )
        ],
        "invitations": [
            {"email": email, "created_at": created_at}
            for email, created_at in _INVITATIONS.rows(organisation_id=organisation.pk)
        ],
    }
