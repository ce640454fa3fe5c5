"""Hard constraints: a candidate that fails one is never suggested. Each check returns None when
it passes, or the reason in words (translated), so refusals can be explained."""

from django.utils.translation import gettext as _

from matching.facts import GroupFacts, OfferFacts, PersonFacts

STEPLEN = 4  # treebeard path step of portal.Region


def covers(region_path: str, office_path: str) -> bool:
    return office_path.startswith(region_path)


def person_refusal(person: PersonFacts, group: GroupFacts) -> str | None:
    if not person.vetted:
        return _("not vetted yet")
    if person.suspended:
        return _("suspended")
    if person.capacity <= 0:
        return _("already at their maximum number of groups")
    if not any(covers(path, group.office_path) for path in person.region_paths):
        return _("does not serve this region")
    if group.is_juvenile and not person.cleared_for_juveniles:
        return _("not cleared to work with juveniles")
    if (person.kind, person.id) in group.excluded:
        return _("already in or declined for this group")
    return None


def execution_area(group: GroupFacts) -> tuple[str, ...]:
    """The approved execution area, or the office's county when none is set."""
    return group.approved_paths or (group.office_path[: 3 * STEPLEN],)


def offer_refusal(offer: OfferFacts, group: GroupFacts) -> str | None:
    if not offer.open:
        return _("no longer open")
    if not offer.verified:
        return _("the organisation is not verified")
    area = execution_area(group)
    if not any(covers(a, loc) for loc in offer.region_paths for a in area):
        return _("works outside the approved execution area")
    if offer.industry and offer.industry in group.forbidden_industries:
        return _("its industry is forbidden by the group's restrictions")
    if group.offence and group.offence in offer.excluded_offences:
        return _("the employer does not accept this offence")
    if (offer.kind, offer.id) in group.excluded:
        return _("already referred or declined for this group")
    return None
