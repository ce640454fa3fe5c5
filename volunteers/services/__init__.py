"""Writes of the volunteers app, one module per sub-domain; each write is keyword-only, atomic,
audited, and tells people after commit. Re-exported here so callers import one place."""

from groups.models import Need
from portal import services as portal_services
from volunteers.models import Language, Skill
from volunteers.services.activities import (
    activity_check_in,
    activity_check_out,
    activity_create,
    signup_cancel,
    signup_create,
)
from volunteers.services.hours import service_record_decide, service_record_log
from volunteers.services.profiles import (
    ProfileData,
    account_delete,
    profile_save,
    profile_start,
    profile_submit,
)
from volunteers.services.vetting import Decision, profile_decide, profiles_bulk_approve

__all__ = [
    "Decision",
    "ProfileData",
    "account_delete",
    "activity_check_in",
    "activity_check_out",
    "activity_create",
    "languages_load",
    "profile_decide",
    "profile_save",
    "profile_start",
    "profile_submit",
    "profiles_bulk_approve",
    "service_record_decide",
    "service_record_log",
    "signup_cancel",
    "signup_create",
    "skills_load",
]


def skills_load() -> int:
    """The skills taxonomy and the needs each serves (the data migration does this too);
    languages and dialects come with it, as the other managed list of this app."""
    from volunteers.reference import SKILLS

    added = portal_services.terms_load(
        model=Skill, rows=tuple((code, zh, en) for code, zh, en, _needs in SKILLS)
    )
    needs = {n.code: n for n in Need.objects.all()}
    for skill in Skill.objects.filter(code__in=[row[0] for row in SKILLS]):
        serves = next(row[3] for row in SKILLS if row[0] == skill.code)
        skill.serves.add(*(needs[c] for c in serves if c in needs))
    languages_load()
    return added


def languages_load() -> int:
    """The languages and dialects list (idempotent)."""
    from volunteers.reference import LANGUAGES

    return portal_services.terms_load(model=Language, rows=LANGUAGES)
