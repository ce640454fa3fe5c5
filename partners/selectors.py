"""Every read of the partners app, scoped to the user asking. Anyone who may not see a thing
gets 404 from the view, so its existence does not leak."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

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
from portal.models import Region, StaffRole, User
from portal.prepared import Prepared, columns, split_row
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


# The membership, its organisation and the organisation's region, as select_related reads them
# (every column of each), in one query compiled once per process (portal.prepared): every
# page of an organisation's members starts with it, and building it cost more than running it.
_PLACE_MODELS = (
    (OrganisationMember, ""),
    (Organisation, "organisation__"),
    (Region, "organisation__region__"),
)


_PLACE = Prepared(
    lambda user_id, organisation_id: OrganisationMember.objects.filter(
        user_id=user_id, organisation_id=organisation_id, left_at__isnull=True
    ).values_list(*(name for model, prefix in _PLACE_MODELS for name in columns(model, prefix))),
    user_id=-7_204_721,
    organisation_id=-7_204_722,
)


def organisation_for_member(user: User, pk: int) -> tuple[Organisation, OrganisationMember]:
    """The organisation and the user's active membership in it; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    rows = _PLACE.rows(user_id=user.pk, organisation_id=pk)
    if not rows:  # at most one: one active membership per person and organisation
        raise Http404
    membership, organisation, region = split_row([m for m, _ in _PLACE_MODELS], rows[0])
    organisation.region = region
    membership.organisation = organisation
    return organisation, membership


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
