"""Writes of the volunteers app."""

from groups.models import Need
from portal import services as portal_services
from volunteers.models import Skill


def skills_load() -> int:
    """The skills taxonomy and the needs each serves (the data migration does this too)."""
    from volunteers.reference import SKILLS

    added = portal_services.terms_load(
        model=Skill, rows=tuple((code, zh, en) for code, zh, en, _needs in SKILLS)
    )
    needs = {n.code: n for n in Need.objects.all()}
    for skill in Skill.objects.filter(code__in=[row[0] for row in SKILLS]):
        serves = next(row[3] for row in SKILLS if row[0] == skill.code)
        skill.serves.add(*(needs[c] for c in serves if c in needs))
    return added
