"""Hard constraints between a correction group's restrictions and a posting, with the reason in
words a coordinator reads. Referrals refuse what breaks them; the matching engine reuses them.

Each check takes plain values, so a caller that already holds them (e.g. prefetched for many
candidates) pays no query; `posting_refusals` gathers them for one group and one posting.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from portal.models import Region


def execution_area(group) -> list[Region]:
    """The approved execution area; without one, the county of the group's judicial office."""
    regions = list(group.approved_regions.all())
    if regions:
        return regions
    office = group.judicial_office
    return [office.get_parent() or office]


def location_refusal(area: Iterable[Region], locations: Iterable[Region]) -> str | None:
    """Refused unless at least one of the posting's places lies inside the execution area."""
    area, locations = list(area), list(locations)
    if any(a.covers(loc) for a in area for loc in locations):
        return None
    return _(
        "The place of work (%(places)s) is outside the group's approved execution area (%(area)s)."
    ) % {
        "places": "、".join(loc.name for loc in locations) or _("none given"),
        "area": "、".join(a.name for a in area),
    }


def industry_refusal(forbidden: Iterable, industry) -> str | None:
    if industry is not None and any(f.pk == industry.pk for f in forbidden):
        return _("The industry %(industry)s is forbidden to this group by a restriction order.") % {
            "industry": industry
        }
    return None


def offence_refusal(offence, excluded: Iterable) -> str | None:
    if any(o.pk == offence.pk for o in excluded):
        return _("The employer cannot accept the offence category %(offence)s.") % {
            "offence": offence
        }
    return None


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
