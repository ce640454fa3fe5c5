"""Suggestions kept between visits: a group's lists and a coordinator's region overview are
worked out once and read from the shared cache until anything matching reads changes.

At province scale one group's suggestions cost some 15 queries and scoring a thousand
candidates, the overview some 19 queries and fifty groups' worth (on the bench, 90-150 ms and
220-400 ms by the machine), while a coordinator opens the same group's page again and again
as they work through it.

Every key carries the matching generation, a number raised by any write to what matching reads:
a group, its needs, areas, industries or languages; a membership (a person's load and a group's
members); a declined suggestion; a profile (but for fields matching does not read), its regions,
skills or languages, a skill or what it serves; a user's display name; an organisation, a job or
programme, their places and areas, a referral (places left, already referred); a region. It is
raised at once and again after the commit (portal.page_cache.Generation.changed), and by
every change announcement matching hears (portal.changes: the writes that bypass the signals,
such as members ended by one UPDATE or profiles imported in bulk), so a
coordinator who accepts or declines a suggestion sees the page without it, and nobody reads
lists from before their own action. The day is in the stamp too (a posting reaching its
closing date goes at midnight); the time limit bounds only what nothing announces, a term
renamed in the admin. Accepting a suggestion always
re-checks fresh rows (suggest.candidate_refusal), so a list a few minutes old cannot place
anyone the rules refuse.

What is kept is the same for everyone allowed to see it, and nobody reads it without that
right: the view checks the reader's access to the group first, and an overview is kept per
coordinator scope (the regions of their coordinator roles, or every region for an
administrator), so two coordinators of the same regions share it and nobody else does.
"""

import hashlib

from django.utils import timezone, translation

from portal.page_cache import Generation, kept_once, raise_on_writes
from portal.selectors import role_region_paths
from volunteers.models import BOOKKEEPING_FIELDS

# Only what no write raises the generation for goes stale with time: a term renamed in the
# admin (a need, a language, an industry). A day's turn is in the stamp itself (postings open
# and close by date), so it shows from the first visit of the day.
SECONDS = 3600
GENERATION = Generation("matching.generation")


def group_suggestions(group, *, per_kind: int, compute):
    """`compute()` (a group's {kind: [Suggestion]}), kept under the group, the list length and
    the language until the generation moves."""
    key = f"matching.suggestions.{group.pk}.{per_kind}.{translation.get_language()}"
    return _kept(key, compute)


def _scope(user) -> str:
    if user.is_superuser:
        return "all"
    paths = sorted(set(role_region_paths(user, role="coordinator")))
    return hashlib.blake2b(",".join(paths).encode(), digest_size=12).hexdigest()


def region_overview(user, *, per_group: int, limit: int, reasons: bool, compute):
    """`compute()` (the overview as the page shows it), kept per coordinator scope, shape and
    language until the generation moves."""
    shape = f"{per_group}.{limit}.{int(reasons)}"
    key = f"matching.overview.{_scope(user)}.{shape}.{translation.get_language()}"
    return _kept(key, compute)


def _stamp(generation) -> tuple:
    return (generation, timezone.localdate().isoformat())


def _kept(key: str, compute):
    # After a change, eight coordinators' requests at once would each score the same thousand
    # candidates: one works the lists out, the others wait for them (kept_once).
    generation, found = GENERATION.read_with(key)
    return kept_once(key, generation, _stamp(generation), found, SECONDS, compute)


# --- what raises the generation --------------------------------------------------------------


def _models():
    from groups.models import CorrectionGroup, GroupNeed, MatchDecline, Membership
    from partners.models import JobPlacement, Organisation, Programme, Referral
    from portal.models import Region
    from volunteers.models import Skill

    return (
        CorrectionGroup, GroupNeed, Membership, MatchDecline,
        Organisation, JobPlacement, Programme, Referral, Region, Skill,
    )  # fmt: skip


def _through_models():
    from groups.models import CorrectionGroup
    from partners.models import JobPlacement, Programme
    from volunteers.models import Skill, VolunteerProfile

    return (
        CorrectionGroup.needs.through,
        CorrectionGroup.approved_regions.through,
        CorrectionGroup.forbidden_industries.through,
        CorrectionGroup.languages.through,
        VolunteerProfile.regions.through,
        VolunteerProfile.skills.through,
        VolunteerProfile.languages.through,
        Skill.serves.through,
        JobPlacement.work_locations.through,
        JobPlacement.excluded_offences.through,
        Programme.regions.through,
    )


def connect() -> None:
    """Called from MatchingConfig.ready."""
    from portal.models import User
    from volunteers.models import VolunteerProfile

    raise_on_writes(
        GENERATION,
        "matching.caching",
        models=(*_models(), VolunteerProfile, User),
        throughs=_through_models(),
        when={
            VolunteerProfile: lambda fields: not fields <= BOOKKEEPING_FIELDS,
            # A sign-in saves last_login only: not a change of anything matching shows.
            User: lambda fields: "display_name" in fields,
        },
    )


# Every label whose announcements may alter a suggestion (portal.changes).
ANNOUNCED = (
    "groups.CorrectionGroup",
    "volunteers.VolunteerProfile",
    "partners.Organisation",
    "partners.JobPlacement",
    "partners.Programme",
    "portal.User",
)


def on_changes(changes) -> None:
    """A portal.changes subscriber, for the writes that bypass the models' signals (members
    ended by one UPDATE, profiles imported in bulk); already after the commit."""
    GENERATION.bump()
