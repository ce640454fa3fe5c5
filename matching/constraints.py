"""Hard constraints: a candidate that fails one is never suggested. The rules themselves live
once in groups.rules; here they are applied to matching's facts, in the order a coordinator
reads the first reason. Each check returns None when it passes, or that reason (translated).
matching.matrix applies the same rules to many pairs at once (tests hold the two together)."""

from groups import rules
from matching.facts import GroupFacts, OfferFacts, PersonFacts


def person_refusal(person: PersonFacts, group: GroupFacts) -> str | None:
    return rules.first(
        rules.vetting_refusal(vetted=person.vetted, suspended=person.suspended),
        rules.capacity_refusal(load=person.load, max_groups=person.max_groups),
        rules.region_refusal(person.region_paths, group.office_path),
        rules.juvenile_refusal(is_juvenile=group.is_juvenile, cleared=person.cleared_for_juveniles),
        rules.member_or_declined_refusal((person.kind, person.id) in group.excluded),
    )


def execution_area(group: GroupFacts) -> tuple[str, ...]:
    """The approved execution area, or the office's county when none is set."""
    return rules.execution_area(group.approved_paths, group.office_path)


def offer_refusal(offer: OfferFacts, group: GroupFacts) -> str | None:
    return rules.first(
        rules.open_refusal(offer.open),
        rules.places_refusal(offer.places_left),
        rules.verification_refusal(offer.verified),
        rules.place_refusal(offer.region_paths, execution_area(group)),
        rules.industry_refusal(offer.industry, group.forbidden_industries),
        rules.offence_refusal(group.offence, offer.excluded_offences),
        rules.referred_or_declined_refusal((offer.kind, offer.id) in group.excluded),
    )
