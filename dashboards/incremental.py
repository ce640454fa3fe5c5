"""From announced ids to the figures to count again: which counters an object feeds, and in
which regions it is counted. A group feeds its judicial office's group and learning figures; an
activity its region's activity figures; an organisation its region's organisation counts; a
profile the people figures (counted everywhere: where a person counts depends on every region
they serve)."""

from dashboards.services import Recompute, figures_recompute_recent
from dashboards.subscriber import ACTIVITY, GROUP, ORGANISATION, PROFILE

COUNTERS_OF = {
    GROUP: {"groups.state", "groups.flow", "learning.hours", "learning.first_lesson"},
    PROFILE: {"people.state", "people.active"},
    ACTIVITY: {"activities"},
    ORGANISATION: {"organisations"},
}


def _regions(label: str, ids: list[int]) -> set[int] | None:
    from groups.models import CorrectionGroup
    from partners.models import Organisation
    from volunteers.models import Activity

    field_of = {
        GROUP: (CorrectionGroup, "judicial_office_id"),
        ACTIVITY: (Activity, "region_id"),
        ORGANISATION: (Organisation, "region_id"),
    }
    if label not in field_of:
        return None
    model, field = field_of[label]
    return set(model.objects.filter(pk__in=ids).values_list(field, flat=True))


def recompute_for(announced: dict[str, list[int]]) -> Recompute:
    total = Recompute()
    for label, ids in announced.items():
        if label not in COUNTERS_OF:
            continue
        regions = _regions(label, ids)
        if regions is not None and not regions:
            continue  # deleted since
        done = figures_recompute_recent(regions=regions, names=COUNTERS_OF[label])
        for name, n in done.changed.items():
            total.changed[name] = total.changed.get(name, 0) + n
        total.seconds += done.seconds
    return total
