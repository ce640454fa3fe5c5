"""The sentence's calendar: a daily sweep (groups.tasks.calendar_advance, Celery beat) moves each
open group through its stages from its dates, and reminds its lead and coordinators to close it
when the planned end date comes.

- entry (入矫) → in correction (在矫) on the start date + GROUPS_ENTRY_DAYS (30);
- entry or in correction → before release (解矫前) GROUPS_BEFORE_RELEASE_DAYS (60) before the
  planned end date;
- on the planned end date, while the group is still open: one reminder to close it.

Stages only move forward here: a coordinator's own choice of an earlier stage is changed only
once the dates call for a later one. Every change is an audit row without an actor (the group's
timeline shows "system") and is announced (portal.changes): "stage" for the apps that act on a
group's stage (curriculum assigns the before-release series, search re-indexes), "end_due" for
the reminder, which messaging stores as a notification (groups sits below messaging and
imports none of it). Idempotent: a second run on the same day finds nothing left to do, and the
group row remembers which end date its reminder was for.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from groups.models import CorrectionGroup, Stage
from portal import changes
from portal import services as portal_services

BATCH = 500


def entry_days() -> int:
    """How long the entry stage lasts, in days from the start date."""
    return getattr(settings, "GROUPS_ENTRY_DAYS", 30)


def before_release_days() -> int:
    """How many days before the planned end date a group enters the before-release stage."""
    return getattr(settings, "GROUPS_BEFORE_RELEASE_DAYS", 60)


@dataclass(frozen=True)
class CalendarRun:
    to_active: int
    to_pre_release: int
    reminded: int

    @property
    def total(self) -> int:
        return self.to_active + self.to_pre_release + self.reminded


def _open() -> QuerySet[CorrectionGroup]:
    return CorrectionGroup.objects.filter(status=CorrectionGroup.Status.ACTIVE)


def groups_due_for_stage(stage: str, today: date) -> QuerySet[CorrectionGroup]:
    """Open groups whose dates call for `stage` today and that are not there yet."""
    release_from = today + timedelta(days=before_release_days())
    if stage == Stage.PRE_RELEASE:
        return _open().filter(
            stage__in=[Stage.ENTRY, Stage.ACTIVE], planned_end_date__lte=release_from
        )
    if stage == Stage.ACTIVE:
        # A group already due for the before-release stage skips this one.
        return _open().filter(
            stage=Stage.ENTRY,
            start_date__lte=today - timedelta(days=entry_days()),
            planned_end_date__gt=release_from,
        )
    raise ValueError(f"the calendar never moves a group to {stage!r}")


def groups_due_for_end_reminder(today: date) -> QuerySet[CorrectionGroup]:
    """Open groups at or past their planned end date whose lead and coordinators have not been
    reminded of that date."""
    return _open().filter(
        Q(end_reminder_for__isnull=True) | ~Q(end_reminder_for=F("planned_end_date")),
        planned_end_date__lte=today,
    )


def _batches(queryset: QuerySet) -> list[list[int]]:
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def _locked(due: QuerySet, ids: list[int]) -> list[CorrectionGroup]:
    """The groups of `ids` still due, under row locks: a coordinator closing or editing one at
    the same moment is waited for, and a group changed meanwhile is left alone."""
    return list(
        due.filter(pk__in=ids)
        .select_for_update(of=("self",))
        .select_related("judicial_office")
        .order_by("pk")
    )


def _move(stage: str, today: date) -> int:
    moved = 0
    for ids in _batches(groups_due_for_stage(stage, today)):
        with transaction.atomic():
            groups = _locked(groups_due_for_stage(stage, today), ids)
            if not groups:
                continue
            CorrectionGroup.objects.filter(pk__in=[g.pk for g in groups]).update(
                stage=stage, updated_at=timezone.now()
            )
            for group in groups:
                portal_services.audit_record(
                    actor=None,
                    action="group.stage_changed",
                    target=group,
                    region=group.judicial_office,
                    data={"from": group.stage, "to": stage, "on": today.isoformat()},
                )
            changes.announce(groups, what={"stage"})
            moved += len(groups)
    return moved


def _remind(today: date) -> int:
    reminded = 0
    for ids in _batches(groups_due_for_end_reminder(today)):
        with transaction.atomic():
            groups = _locked(groups_due_for_end_reminder(today), ids)
            if not groups:
                continue
            CorrectionGroup.objects.filter(pk__in=[g.pk for g in groups]).update(
                end_reminder_for=F("planned_end_date")
            )
            for group in groups:
                portal_services.audit_record(
                    actor=None,
                    action="group.end_reminded",
                    target=group,
                    region=group.judicial_office,
                    data={"planned_end_date": group.planned_end_date.isoformat()},
                )
            changes.announce(groups, what={"end_due"})
            reminded += len(groups)
    return reminded


def calendar_advance(*, today: date | None = None) -> CalendarRun:
    """Move every open group to the stage its dates call for and remind those at their planned
    end date; `today` defaults to the local date. Safe to run as often as wanted."""
    today = today or timezone.localdate()
    to_pre_release = _move(Stage.PRE_RELEASE, today)
    to_active = _move(Stage.ACTIVE, today)
    reminded = _remind(today)
    return CalendarRun(to_active=to_active, to_pre_release=to_pre_release, reminded=reminded)
