"""How lessons reach groups: by rule (every entry group gets 入矫第一课, every group before
release the before-release series, a group gets the series for its offence, every open group
gets the month's theme) and by a lead's choice."""

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import (
    Audience,
    LessonAssignment,
    LessonPage,
    LessonSeriesPage,
    LessonStage,
    MonthlyThemePage,
)
from groups.models import CorrectionGroup, Membership, Stage
from portal import services as portal_services
from portal.models import User

BATCH = 2000


def _audience_ok(lesson: LessonPage, is_juvenile: bool) -> bool:
    if lesson.audience == Audience.ALL:
        return True
    return lesson.audience == (Audience.JUVENILE if is_juvenile else Audience.ADULT)


def _live_lessons_under(pages) -> list[LessonPage]:
    lessons = []
    for page in pages:
        lessons.extend(LessonPage.objects.live().public().descendant_of(page))
    return lessons


def rule_lessons(month: date) -> dict[str, list]:
    """The lessons each rule gives, fetched once per run."""
    series = LessonSeriesPage.objects.live().prefetch_related("offences")
    entry = _live_lessons_under(s for s in series if s.stage == LessonStage.ENTRY)
    pre_release = _live_lessons_under(s for s in series if s.stage == LessonStage.PRE_RELEASE)
    by_offence = defaultdict(list)
    for s in series:
        lessons = _live_lessons_under([s]) if s.offences.all() else []
        for offence in s.offences.all():
            by_offence[offence.pk].extend(lessons)
    theme = MonthlyThemePage.objects.live().filter(month=month.replace(day=1)).first()
    monthly = _live_lessons_under([theme]) if theme else []
    return {"entry": entry, "pre_release": pre_release, "offence": by_offence, "monthly": monthly}


def assignments_by_rule(*, month: date, groups=None) -> int:
    """Give every open group (or those of `groups`) the lessons its rules call for; what a group
    already has is left alone, so this runs as often as needed. Returns how many were new."""
    from messaging.services import notify

    rules = rule_lessons(month)
    groups = (groups if groups is not None else CorrectionGroup.objects.all()).filter(
        status=CorrectionGroup.Status.ACTIVE
    )
    created = 0
    told = set()
    rows = groups.values_list("pk", "stage", "offence_id", "is_juvenile").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            created += _assign_batch(batch, rules, told)
            batch = []
    if batch:
        created += _assign_batch(batch, rules, told)
    learners = Membership.objects.filter(
        group_id__in=told, role=Membership.Role.LEARNER, left_at__isnull=True
    ).values_list("user_id", flat=True)
    learner_ids = sorted(set(learners))
    if learner_ids:
        notify(
            recipients=learner_ids,
            kind="curriculum.lesson_assigned",
            title=_("New lessons have been assigned to you"),
            url="/learning/mine/",
        )
    portal_services.audit_record(
        actor=None,
        action="curriculum.rules_applied",
        data={"month": f"{month:%Y-%m}", "created": created},
    )
    return created


def on_group_changes(changes) -> None:
    """Groups that changed stage (groups.calendar announces "stage") get the lessons of their
    new stage at once, rather than at the next daily run of the rules."""
    ids = changes.ids("groups.CorrectionGroup", what={"stage"})
    if ids:
        assignments_by_rule(
            month=timezone.localdate(), groups=CorrectionGroup.objects.filter(pk__in=ids)
        )


@transaction.atomic
def _assign_batch(batch, rules, told: set) -> int:
    wanted = []
    for pk, stage, offence_id, juvenile in batch:
        lessons = [(lesson, LessonAssignment.Source.MONTHLY) for lesson in rules["monthly"]]
        if stage == Stage.ENTRY:
            lessons += [(lesson, LessonAssignment.Source.ENTRY) for lesson in rules["entry"]]
        elif stage == Stage.PRE_RELEASE:
            lessons += [
                (lesson, LessonAssignment.Source.PRE_RELEASE) for lesson in rules["pre_release"]
            ]
        lessons += [
            (lesson, LessonAssignment.Source.OFFENCE) for lesson in rules["offence"][offence_id]
        ]
        for lesson, source in lessons:
            if _audience_ok(lesson, juvenile):
                wanted.append((pk, lesson.pk, source))
    if not wanted:
        return 0
    group_ids = {pk for pk, _lesson, _source in wanted}
    existing = set(
        LessonAssignment.objects.filter(group_id__in=group_ids).values_list("group_id", "lesson_id")
    )
    new = {}
    for pk, lesson_id, source in wanted:
        if (pk, lesson_id) not in existing:
            new.setdefault((pk, lesson_id), source)
    LessonAssignment.objects.bulk_create(
        (
            LessonAssignment(group_id=g, lesson_id=lesson, source=s)
            for (g, lesson), s in new.items()
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    told.update(g for g, _lesson in new)
    return len(new)


@transaction.atomic
def lesson_assign(
    *, group: CorrectionGroup, lesson: LessonPage, assigned_by: User
) -> LessonAssignment:
    """A lead (or a coordinator of the region) gives the group one more lesson."""
    from messaging.services import notify

    if group.is_closed:
        raise ValidationError(_("This group is closed."))
    if not lesson.live:
        raise ValidationError(_("Only published lessons can be assigned."))
    if LessonAssignment.objects.filter(group=group, lesson=lesson).exists():
        raise ValidationError(_("The group already has this lesson."))
    assignment = LessonAssignment.objects.create(
        group=group, lesson=lesson, source=LessonAssignment.Source.LEAD, assigned_by=assigned_by
    )
    learners = Membership.objects.filter(
        group=group, role=Membership.Role.LEARNER, left_at__isnull=True
    ).values_list("user_id", flat=True)
    notify(
        recipients=list(learners),
        kind="curriculum.lesson_assigned",
        title=_("New lesson: %(title)s") % {"title": lesson.title},
        url=lesson.url or "",
    )
    portal_services.audit_record(
        actor=assigned_by,
        action="curriculum.lesson_assigned",
        target=group,
        region=group.judicial_office,
        data={"lesson": lesson.pk},
    )
    return assignment
