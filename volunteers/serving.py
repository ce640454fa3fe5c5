"""Keeping each profile's ServingFacts (volunteers.models) equal to its link tables.

The links are the truth; a row is their copy, rewritten in the same transaction as the write:
- when a profile is created or its regions, skills or languages are set, added to, removed or
  cleared: the many-to-many signals, since the profile service, the admin's forms and the test
  factories all write through the related managers;
- by the writers that bulk_create links, which sends no signal, calling `refresh` themselves:
  the spreadsheet import and the scale seed;
- nightly (volunteers.tasks.serving_facts_check), for whatever neither reached: the rows are
  compared with the links, and those that differ are rewritten and counted in the log.

Status, load, capacity and the rest of a profile are not copied: matching reads them live with
the row, so a vetting decision or a new membership needs nothing here.
"""

import logging
from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_save

from volunteers.models import ServingFacts, VolunteerProfile

log = logging.getLogger(__name__)

PARTS = ("regions", "skills", "languages")
BATCH = 2000


def _links():
    """part -> (the profile's through model, the column of a link row that is the key)."""
    return {
        "regions": (VolunteerProfile.regions.through, "region__path"),
        "skills": (VolunteerProfile.skills.through, "skill_id"),
        "languages": (VolunteerProfile.languages.through, "language_id"),
    }


def _read(part: str, ids: list[int]) -> dict[int, dict]:
    """One part of the profiles' rows, as stored ({key: 1}): every profile in `ids` gets one."""
    through, column = _links()[part]
    values: dict[int, dict] = {pid: {} for pid in ids}
    for pid, key in through.objects.filter(volunteerprofile_id__in=ids).values_list(
        "volunteerprofile_id", column
    ):
        values[pid][str(key)] = 1
    return values


def copies(profile_ids: Iterable[int]) -> dict[int, dict]:
    """{profile id: {part: value}} as the links stand now, for the profiles that exist."""
    ids = sorted(
        VolunteerProfile.objects.filter(pk__in=sorted(set(profile_ids))).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return {}
    parts = {part: _read(part, ids) for part in PARTS}
    return {pid: {part: parts[part][pid] for part in PARTS} for pid in ids}


def refresh(profile_ids: Iterable[int]) -> int:
    """Rewrite the rows of these profiles from their links (a profile gone has none: its row
    went with it). Returns how many rows were written."""
    ids = sorted(set(profile_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        found = copies(ids[start : start + BATCH])
        ServingFacts.objects.bulk_create(
            [ServingFacts(profile_id=pid, **parts) for pid, parts in found.items()],
            update_conflicts=True,
            unique_fields=["profile"],
            update_fields=list(PARTS),
        )
        written += len(found)
    return written


def refresh_part(profile_id: int, part: str) -> None:
    """One part of one profile's row, after a signal: two statements, not a whole refresh (a
    profile form sets three link lists, each a removal and an addition)."""
    value = _read(part, [profile_id])[profile_id]
    if not ServingFacts.objects.filter(profile_id=profile_id).update(**{part: value}):
        refresh([profile_id])  # no row yet (made before this table, say): the whole of it


def drifted(profile_ids: Iterable[int] | None = None) -> list[int]:
    """The profiles (all of them without `profile_ids`) whose row is missing or differs from
    their links; in batches, a fixed number of queries per BATCH profiles."""
    if profile_ids is None:
        profile_ids = VolunteerProfile.objects.order_by("pk").values_list("pk", flat=True)
    ids = sorted(set(profile_ids))
    wrong = []
    for start in range(0, len(ids), BATCH):
        expected = copies(ids[start : start + BATCH])
        stored = {
            pid: dict(zip(PARTS, parts, strict=True))
            for pid, *parts in ServingFacts.objects.filter(
                profile_id__in=list(expected)
            ).values_list("profile_id", *PARTS)
        }
        wrong.extend(pid for pid, parts in expected.items() if stored.get(pid) != parts)
    return wrong


def repair() -> int:
    """Rewrite every row that drifted from its links; returns how many there were."""
    wrong = drifted()
    if wrong:
        log.warning("volunteers: %d serving-facts rows differed from their profiles", len(wrong))
        refresh(wrong)
    return len(wrong)


# --- what keeps them current ------------------------------------------------------------------


def _created(sender, instance, created, raw=False, **kwargs) -> None:
    # A profile has no links when it is first saved (they need its id): an empty row, one
    # statement; the links' signals then fill it.
    if created and not raw:
        ServingFacts.objects.bulk_create([ServingFacts(profile=instance)], ignore_conflicts=True)


def _linked(part: str):
    def handler(sender, instance, action, reverse, **kwargs) -> None:
        # The links are declared without a reverse accessor (related_name="+"), so the
        # instance is always the profile.
        if action in ("post_add", "post_remove", "post_clear") and not reverse:
            refresh_part(instance.pk, part)

    return handler


def connect() -> None:
    """Called from VolunteersConfig.ready."""
    post_save.connect(
        _created, sender=VolunteerProfile, weak=False, dispatch_uid="volunteers.serving.created"
    )
    for part, (through, _column) in _links().items():
        m2m_changed.connect(
            _linked(part), sender=through, weak=False, dispatch_uid=f"volunteers.serving.{part}"
        )
