"""Every read of the partners app, scoped to the user asking. Anyone who may not see a thing
gets 404 from the view, so its existence does not leak."""

from decimal import Decimal
from operator import itemgetter

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from groups.models import CorrectionGroup, Membership
from partners.models import (
    Affiliation,
    FollowUp,
    JobPlacement,
    Organisation,
    OrganisationMember,
    Programme,
    Referral,
    ReferralStep,
)
from partners.prepared import Prepared
from portal.models import StaffRole, User
from portal.selectors import regions_covered_by
from volunteers.models import ServiceRecord, VolunteerProfile

COORDINATOR = StaffRole.Role.COORDINATOR


# --- organisations -----------------------------------------------------------------------


def memberships_of(user: User) -> QuerySet[OrganisationMember]:
    if not user.is_authenticated:
        return OrganisationMember.objects.none()
    return OrganisationMember.objects.filter(user=user, left_at__isnull=True).select_related(
        "organisation__region"
    )


def organisation_for_member(user: User, pk: int) -> tuple[Organisation, OrganisationMember]:
    """The organisation and the user's active membership in it; 404 for everyone else."""
    membership = memberships_of(user).filter(organisation_id=pk).first()
    if membership is None:
        raise Http404
    return membership.organisation, membership


def may_verify(user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return regions_covered_by(user, role=COORDINATOR).filter(pk=organisation.region_id).exists()


def organisations_to_verify(user: User) -> QuerySet[Organisation]:
    """Organisations in the user's regions awaiting verification (all of them for admins)."""
    queryset = Organisation.objects.select_related("region").order_by("created_at", "id")
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        queryset = queryset.filter(region__in=regions_covered_by(user, role=COORDINATOR))
    return queryset


def organisation_for_verifier(user: User, pk: int) -> Organisation:
    organisation = organisations_to_verify(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def verifiers_of(organisation: Organisation) -> list[int]:
    """The coordinators whose region covers the organisation's."""
    return list(
        StaffRole.objects.filter(
            role=COORDINATOR, region__path__in=organisation.region.ancestor_paths()
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def verified_organisations(kind: str | None = None) -> QuerySet[Organisation]:
    queryset = Organisation.objects.filter(status=Organisation.Status.VERIFIED)
    return queryset.filter(kind=kind) if kind else queryset


def organisation_public(pk: int) -> Organisation:
    organisation = verified_organisations().select_related("region").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


# How many referrals each posting shows on its organisation's page; the rest are one link away
# (the referral list filtered to the posting). Rendering every referral of every posting made the
# page's cost grow with the organisation's history (500 rows were most of its time).
DASHBOARD_REFERRALS = 10


def _dashboard_referral_rows(organisation_id: int):
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


# Compiled once per process (partners.prepared): building the window query took longer than
# the database took to answer it.
_DASHBOARD_REFERRALS = Prepared(_dashboard_referral_rows, organisation_id=-7_204_717)


def _dashboard_referrals(organisation: Organisation, postings: list) -> None:
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
    rows = _DASHBOARD_REFERRALS.rows(organisation_id=organisation.pk)
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
    for kind, posting in postings:
        total, ranked = found.get((kind, posting.pk), (0, []))
        posting.referral_count = total
        ranked.sort(key=itemgetter(0))
        # Safe: the codes and labels are escaped above, the rest are numbers and dates.
        posting.referral_rows = mark_safe("".join(row for _rank, row in ranked))  # noqa: S308


def organisation_dashboard(organisation: Organisation) -> dict:
    """An organisation's own page: postings with their first referrals and how many there are,
    members, requests; the number of queries does not grow with postings or referrals, and the
    rows rendered are bounded by the postings (DASHBOARD_REFERRALS each)."""
    jobs = list(organisation.jobplacements.order_by("-created_at", "-id"))
    programmes = list(organisation.programmes.order_by("-created_at", "-id"))
    _dashboard_referrals(
        organisation, [("job", job) for job in jobs] + [("programme", p) for p in programmes]
    )
    return {
        "jobs": jobs,
        "programmes": programmes,
        "members": list(organisation.members.filter(left_at__isnull=True).select_related("user")),
        "join_requests": list(
            organisation.join_requests.filter(status="pending").select_related("user")
        ),
        "invitations": list(organisation.invitations.filter(accepted_at__isnull=True)[:20]),
        "referrals_shown": DASHBOARD_REFERRALS,
    }


# --- postings -----------------------------------------------------------------------------


def _live(queryset):
    today = timezone.localdate()
    return queryset.filter(
        status=JobPlacement.Status.OPEN,
        opens_on__lte=today,
        closes_on__gte=today,
        organisation__status=Organisation.Status.VERIFIED,
    )


def public_jobs() -> QuerySet[JobPlacement]:
    """Open jobs of verified organisations, with what a list row shows."""
    return (
        _live(JobPlacement.objects.all())
        .select_related("organisation", "industry")
        .prefetch_related("work_locations")
        .order_by("-opens_on", "-id")
    )


def public_programmes() -> QuerySet[Programme]:
    return (
        _live(Programme.objects.all())
        .select_related("organisation")
        .prefetch_related("regions")
        .order_by("-opens_on", "-id")
    )


def _member_org_ids(user: User):
    return OrganisationMember.objects.filter(user=user, left_at__isnull=True).values(
        "organisation_id"
    )


def posting_for(user: User, model, pk: int):
    """A posting the user may see: open ones for everyone, any for its organisation's members."""
    base = model.objects.select_related("organisation__region")
    if model is JobPlacement:
        base = base.select_related("industry")
    visible = _live(base)
    if user.is_authenticated:
        visible = base.filter(
            Q(pk__in=_live(model.objects.all()).values("pk"))
            | Q(organisation__in=_member_org_ids(user))
        )
    posting = visible.filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


def posting_for_member(user: User, model, pk: int):
    """A posting of an organisation the user belongs to; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    posting = (
        model.objects.select_related("organisation")
        .filter(pk=pk, organisation__in=_member_org_ids(user))
        .first()
    )
    if posting is None:
        raise Http404
    return posting


def groups_led_by(user: User) -> QuerySet[CorrectionGroup]:
    """Active groups the user leads: those they may refer."""
    if not user.is_authenticated:
        return CorrectionGroup.objects.none()
    return CorrectionGroup.objects.filter(
        status=CorrectionGroup.Status.ACTIVE,
        memberships__user=user,
        memberships__role=Membership.Role.LEAD,
        memberships__left_at__isnull=True,
    ).order_by("code")


# --- referrals ----------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """The referring group's lead and coordinators, and the receiving organisation's members."""
    queryset = Referral.objects.select_related(
        "group", "job", "programme", "organisation"
    ).order_by("-referred_at", "-id")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    leads = Membership.objects.filter(
        group=OuterRef("group"), user=user, role=Membership.Role.LEAD, left_at__isnull=True
    )
    # DESIGN.md: when a group closes, partners' access to it ends (its lead and coordinators
    # keep the history).
    return queryset.filter(
        Q(Exists(leads))
        | Q(group__judicial_office__in=regions_covered_by(user, role=COORDINATOR))
        | Q(
            organisation__in=_member_org_ids(user),
            group__status=CorrectionGroup.Status.ACTIVE,
        )
    )


class ReferralAccess:
    """Which side of a referral the user is on."""

    def __init__(self, *, is_organisation: bool, is_lead: bool, is_coordinator: bool):
        self.is_organisation = is_organisation
        self.is_lead = is_lead
        self.is_coordinator = is_coordinator

    @property
    def sees_group_details(self) -> bool:
        return self.is_lead or self.is_coordinator


def referral_for(user: User, pk: int) -> tuple[Referral, ReferralAccess]:
    referral = referrals_visible_to(user).select_related("group__judicial_office").filter(pk=pk)
    referral = referral.first()
    if referral is None:
        raise Http404
    is_org = OrganisationMember.objects.filter(
        organisation_id=referral.organisation_id, user=user, left_at__isnull=True
    ).exists()
    is_lead = Membership.objects.filter(
        group_id=referral.group_id, user=user, role=Membership.Role.LEAD, left_at__isnull=True
    ).exists()
    is_coordinator = user.is_superuser or (
        regions_covered_by(user, role=COORDINATOR)
        .filter(pk=referral.group.judicial_office_id)
        .exists()
    )
    return referral, ReferralAccess(
        is_organisation=is_org, is_lead=is_lead, is_coordinator=is_coordinator
    )


def referral_page_data(referral: Referral) -> dict:
    return {
        "steps": list(ReferralStep.objects.filter(referral=referral).select_related("actor")),
        "follow_ups": list(FollowUp.objects.filter(referral=referral)),
    }


def referral_list_for(user: User) -> QuerySet[Referral]:
    return referrals_visible_to(user).annotate(
        due_follow_ups=Count(
            "follow_ups",
            filter=Q(follow_ups__outcome="", follow_ups__due_on__lte=timezone.localdate()),
        )
    )


def group_side_recipients(referral: Referral) -> list[int]:
    """The group's lead and the coordinators over its judicial office."""
    office = referral.group.judicial_office
    lead = Membership.objects.filter(
        group_id=referral.group_id, role=Membership.Role.LEAD, left_at__isnull=True
    ).values_list("user_id", flat=True)
    coordinators = StaffRole.objects.filter(
        role=COORDINATOR, region__path__in=office.ancestor_paths()
    ).values_list("user_id", flat=True)
    return sorted(set(lead) | set(coordinators))


def group_lead_ids(referral: Referral) -> list[int]:
    return list(
        Membership.objects.filter(
            group_id=referral.group_id, role=Membership.Role.LEAD, left_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def organisation_member_ids(organisation_id: int) -> list[int]:
    return list(
        OrganisationMember.objects.filter(
            organisation_id=organisation_id, left_at__isnull=True
        ).values_list("user_id", flat=True)
    )


# --- affiliations -------------------------------------------------------------------------


def own_profile(user: User) -> VolunteerProfile | None:
    """The user's volunteer or social-worker profile, if they have one."""
    if not user.is_authenticated:
        return None
    return VolunteerProfile.objects.filter(user=user).first()


def affiliable_organisations() -> QuerySet[Organisation]:
    """What a person may ask to be affiliated with: verified agencies, universities, others."""
    return (
        verified_organisations()
        .filter(kind__in=Affiliation.KINDS)
        .select_related("region")
        .order_by("name", "id")
    )


def affiliations_of(profile: VolunteerProfile) -> list[Affiliation]:
    return list(profile.affiliations.select_related("organisation__region"))


def affiliation_of_person(user: User, pk: int) -> Affiliation:
    """One of the user's own affiliations; 404 for anyone else's."""
    affiliation = (
        Affiliation.objects.select_related("organisation", "profile")
        .filter(pk=pk, profile__user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if affiliation is None:
        raise Http404
    return affiliation


def organisation_for_affiliations(user: User, pk: int) -> tuple[Organisation, bool]:
    """An agency's or university's affiliations page: its members see it, its owners (and
    admins) decide; 404 for everyone else, coordinators included (the roster is the
    organisation's own; coordinators see people's hours on their own pages)."""
    decides = False
    organisation = None
    if user.is_authenticated and user.is_superuser:
        organisation = Organisation.objects.select_related("region").filter(pk=pk).first()
        decides = True
    elif user.is_authenticated:
        organisation, membership = organisation_for_member(user, pk)
        decides = membership.role == OrganisationMember.Role.OWNER
    if organisation is None or organisation.kind not in Affiliation.KINDS:
        raise Http404
    return organisation, decides


def affiliation_requests(organisation: Organisation) -> list[Affiliation]:
    return list(
        organisation.affiliations.filter(status=Affiliation.Status.REQUESTED)
        .select_related("profile__user")
        .order_by("requested_at", "id")
    )


def affiliated_people(organisation: Organisation) -> QuerySet[Affiliation]:
    """The organisation's confirmed affiliations, each with the person's confirmed service
    hours and the number of active groups they serve in (never which), in two correlated
    subqueries: the same number of queries for ten people or ten thousand."""
    hours = (
        ServiceRecord.objects.filter(
            profile_id=OuterRef("profile_id"), status=ServiceRecord.Status.CONFIRMED
        )
        .order_by()
        .values("profile_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    groups = (
        Membership.objects.filter(
            user_id=OuterRef("profile__user_id"),
            left_at__isnull=True,
            group__status=CorrectionGroup.Status.ACTIVE,
        )
        .exclude(role=Membership.Role.LEARNER)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decimal = DecimalField(max_digits=10, decimal_places=1)
    return (
        organisation.affiliations.filter(status=Affiliation.Status.CONFIRMED)
        .exclude(profile__status=VolunteerProfile.Status.LEFT)
        .select_related("profile__user")
        .annotate(
            confirmed_hours=Coalesce(
                Subquery(hours, output_field=decimal), Value(Decimal(0)), output_field=decimal
            ),
            active_groups=Coalesce(Subquery(groups), Value(0)),
        )
        .order_by("profile__real_name", "id")
    )


def referrals_coordinated_by(user: User) -> QuerySet[Referral]:
    """Referrals of groups whose judicial office lies in the regions the user coordinates (every
    referral for admins): the coordinator's part of referrals_visible_to."""
    if not user.is_authenticated:
        return Referral.objects.none()
    if user.is_superuser:
        return Referral.objects.all()
    return Referral.objects.filter(
        group__judicial_office__in=regions_covered_by(user, role=COORDINATOR)
    )
