"""The partners' side of the gate into a group (groups.gate): a university or enterprise contact
holds their place on behalf of a verified organisation, and the group's restriction order
(禁止令) keeps out an enterprise working in a forbidden industry.

Registered in PartnersConfig.ready for the contact roles.
"""

from groups import gate
from groups.models import CorrectionGroup, Membership
from partners.models import JobPlacement, Organisation
from portal.models import Industry, User

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


def contact_facts(*, group: CorrectionGroup, user: User, role: str, lock: bool) -> gate.Facts:
    """Whether one of the person's organisations (of the role's kind) is verified, read after
    locking those organisations' rows (when `lock`), and the industries its jobs are in."""
    rows = _organisations([user.pk], role).order_by("pk")
    organisations = list(rows.select_for_update(of=("self",)) if lock else rows)
    verified = [o.pk for o in organisations if o.is_verified]
    industries = Industry.objects.filter(
        pk__in=JobPlacement.objects.filter(organisation_id__in=verified).values("industry")
    )
    return gate.Facts(
        organisation_verified=bool(verified), industries={i.code: str(i) for i in industries}
    )


def register() -> None:
    gate.register_facts(gate.CONTACT_ROLES, contact_facts)
