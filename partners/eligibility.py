"""Whether a correction group may be referred to a posting, from rows: the rules themselves (the
group's restriction order and execution area, the offences an employer excludes) live once in
groups.rules; this module reads what they need from a group and a posting, with the names a
coordinator reads in the reason.

Each check takes rows the caller may already hold (prefetched for many candidates, say), so
it pays no query of its own; `posting_refusals` gathers them for one group and one posting.
"""

from collections.abc import Iterable

from groups import rules
from portal.models import Region


def execution_area(group) -> list[Region]:
    """The approved execution area; without one, the county of the group's judicial office."""
    approved = list(group.approved_regions.all())
    paths = rules.execution_area([r.path for r in approved], group.judicial_office.path)
    return approved or list(Region.objects.filter(path__in=paths))


def location_refusal(area: Iterable[Region], locations: Iterable[Region]) -> str | None:
    """Refused unless at least one of the posting's places lies inside the execution area."""
    area, locations = list(area), list(locations)
    names = {r.path: r.name for r in (*area, *locations)}
    return rules.place_refusal([r.path for r in locations], [r.path for r in area], names)


def industry_refusal(forbidden: Iterable, industry) -> str | None:
    if industry is None:
        return None
    codes = {f.code for f in forbidden}
    return rules.industry_refusal(industry.code, codes, name=str(industry))


def offence_refusal(offence, excluded: Iterable) -> str | None:
    codes = {o.code for o in excluded}
    return rules.offence_refusal(offence.code, codes, name=str(offence))


def posting_refusals(group, posting) -> list[str]:
    """Every reason why `group` may not be referred to `posting` (a job or a programme)."""
    from partners.models import JobPlacement

    reasons = []
    if isinstance(posting, JobPlacement):
        reasons.append(location_refusal(execution_area(group), posting.work_locations.all()))
        reasons.append(industry_refusal(group.forbidden_industries.all(), posting.industry))
        reasons.append(offence_refusal(group.offence, posting.excluded_offences.all()))
    else:
        reasons.append(location_refusal(execution_area(group), posting.regions.all()))
    return [r for r in reasons if r]
