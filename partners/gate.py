"""The partners' side of the gate into a group (groups.gate): a university or enterprise contact
holds their place on behalf of a verified organisation, and the group's restriction order
(禁止令) keeps out an enterprise working in a forbidden industry. When an organisation is no
longer verified, or a contact leaves it, their places end (groups.revocation).

Registered in PartnersConfig.ready for the contact roles.
"""

from django.db.models import F
from django.utils.translation import gettext as _

from groups import gate, revocation, rules
from groups.models import CorrectionGroup, Membership
from messaging.services import notify
from partners.models import JobPlacement, Organisation, OrganisationMember
from portal.models import Region, User

Kind = Organisation.Kind
# Which organisations a contact of each role speaks for.
ROLE_ORGANISATION_KINDS = {
    Membership.Role.UNIVERSITY_CONTACT: {Kind.UNIVERSITY},
    Membership.Role.ENTERPRISE_CONTACT: {Kind.ENTERPRISE, Kind.AGENCY, Kind.OTHER},
}


def _organisations(user_ids, role: str):
    return Organisation.objects.filter(
        members__user_id__in=user_ids,
        members__left_at__isnull=True,
        kind__in=ROLE_ORGANISATION_KINDS[role],
    )


def contact_facts(*, group: CorrectionGroup, users, role: str, lock: bool) -> dict[int, gate.Facts]:
    """Whether one of each person's organisations (of the role's kind) is verified, read after
    locking those organisations' rows (when `lock`), and the industries its jobs are in: two
    queries for any number of people."""
    people = [u.pk for u in users]
    # One row per (organisation, member): the annotation reuses the filter's join.
    rows = _organisations(people, role).annotate(member=F("members__user_id")).order_by("pk")
    theirs: dict[int, list[Organisation]] = {}
    seen = {}
    for organisation in rows.select_for_update(of=("self",)) if lock else rows:
        seen.setdefault(organisation.pk, organisation)
        theirs.setdefault(organisation.member, []).append(organisation)
    verified = [pk for pk, o in seen.items() if o.is_verified]
    industries: dict[int, dict[str, str]] = {}
    if verified:
        for job in JobPlacement.objects.filter(organisation_id__in=verified).select_related(
            "industry"
        ):
            industries.setdefault(job.organisation_id, {})[job.industry.code] = str(job.industry)
    found = {}
    for pk in people:
        mine = sorted(theirs.get(pk, []), key=lambda o: o.pk)
        vouching = [o for o in mine if o.is_verified]
        found[pk] = gate.Facts(
            organisation_verified=bool(vouching),
            industries={c: n for o in vouching for c, n in industries.get(o.pk, {}).items()},
            shown_as="、".join(o.name for o in vouching),
        )
    return found


def contact_pool(*, group: CorrectionGroup, role: str):
    """Members of a verified organisation of the role's kind within the group's province: whom a
    person picker offers (groups.people; the gate still decides, contact_facts above). The
    province is the picker's horizon, so a lead does not browse the country's partners."""
    province = Region.path_at_level(group.judicial_office.path, Region.Level.PROVINCE)
    return User.objects.filter(
        pk__in=OrganisationMember.objects.filter(
            left_at__isnull=True,
            organisation__status=Organisation.Status.VERIFIED,
            organisation__kind__in=ROLE_ORGANISATION_KINDS[role],
            organisation__region__path__startswith=province or "",
        ).values("user_id")
    )


def register() -> None:
    gate.register_facts(gate.CONTACT_ROLES, contact_facts)
    gate.register_pool(gate.CONTACT_ROLES, contact_pool)


def places_end_without_verified_organisation(
    *, user_ids, actor: User | None, cause: str = revocation.ORGANISATION_UNVERIFIED
) -> list[Membership]:
    """End the contact places of these people that no verified organisation of theirs stands
    behind any more (their organisation lost its verification, or they left it). Called in the
    revoking transaction, after the organisation's row is locked."""
    ended = []
    for role in sorted(gate.CONTACT_ROLES):
        still_vouched = set(
            OrganisationMember.objects.filter(
                user_id__in=user_ids,
                left_at__isnull=True,
                organisation__status=Organisation.Status.VERIFIED,
                organisation__kind__in=ROLE_ORGANISATION_KINDS[role],
            ).values_list("user_id", flat=True)
        )
        lapsed = [u for u in user_ids if u not in still_vouched]
        if lapsed:
            ended += revocation.memberships_end(
                user_ids=lapsed,
                cause=cause,
                reason=_leaving_reason(cause),
                actor=actor,
                notify=notify,
                roles=[role],
            )
    return ended


def _leaving_reason(cause: str) -> str:
    if cause == revocation.LEFT:
        return _("left the organisation they represented")
    return rules.verification_refusal(False)
