"""Online learning: a learner (or the lead on their behalf) opens a lesson, spends its time,
answers the quiz, and the completion is recorded once."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum import conf
from curriculum.models import DeliveryMode, LessonCompletion, LessonPage, LessonStart
from curriculum.services.hours import hours_recompute, month_of
from groups.models import CorrectionGroup, Membership
from portal import services as portal_services
from portal.converters import parse_int
from portal.models import User

# Who may take a lesson for a group online.
LEARNING_ROLES = (Membership.Role.LEARNER, Membership.Role.LEAD)


def _role_in(group: CorrectionGroup, user: User) -> str | None:
    return (
        Membership.objects.filter(group=group, user=user, left_at__isnull=True)
        .values_list("role", flat=True)
        .first()
    )


def lesson_open(*, lesson: LessonPage, group: CorrectionGroup) -> LessonStart:
    """Note when the group first opened the lesson; later openings keep the first time."""
    start, _created = LessonStart.objects.get_or_create(group=group, lesson=lesson)
    return start


def lesson_open_for_user(
    *, lesson: LessonPage, user: User, memberships: list[Membership] | None = None
) -> None:
    """A learner or lead opened the lesson page: start the clock for each of their open groups.

    `memberships`, when given, are selectors.learning_groups(user, lesson=lesson): each knows
    whether its group opened the lesson already (started_at), so a page seen again writes
    nothing, and those that start now are given their time."""
    if lesson.delivery_mode == DeliveryMode.OFFLINE:
        return
    if memberships is None:
        group_ids = list(
            Membership.objects.filter(
                user=user,
                left_at__isnull=True,
                role__in=LEARNING_ROLES,
                group__status=CorrectionGroup.Status.ACTIVE,
            ).values_list("group_id", flat=True)
        )
    else:
        group_ids = [m.group_id for m in memberships if m.started_at is None]
    if not group_ids:
        return
    # One insert for all their groups, whatever their number; a group that opened the lesson
    # before keeps its first time (the unique constraint turns the insert into nothing).
    LessonStart.objects.bulk_create(
        [LessonStart(group_id=group_id, lesson=lesson) for group_id in group_ids],
        ignore_conflicts=True,
    )
    if memberships is not None:
        # Read back rather than assume: a request racing this one may have been first.
        started = dict(
            LessonStart.objects.filter(lesson=lesson, group_id__in=group_ids).values_list(
                "group_id", "started_at"
            )
        )
        for membership in memberships:
            if membership.started_at is None:
                membership.started_at = started.get(membership.group_id)


def grade(quiz: dict | None, answers: dict[str, str]) -> tuple[int | None, dict]:
    """Score answers ({"q0": "2", ...}: question index → choice index) against the quiz.

    Returns (per cent right, the answers as stored), or raises when a question is unanswered.
    """
    if not quiz:
        return None, {}
    questions = list(quiz["questions"])
    stored, right = {}, 0
    for i, question in enumerate(questions):
        choices = list(question["choices"])
        chosen = parse_int(answers.get(f"q{i}", ""), low=0, high=len(choices) - 1)
        if chosen is None:
            raise ValidationError(
                _("Answer every question of the quiz; question %(n)s has no answer.") % {"n": i + 1}
            )
        stored[f"q{i}"] = chosen
        right += bool(choices[chosen]["is_correct"])
    return round(100 * right / len(questions)), stored


@transaction.atomic
def lesson_complete(
    *, lesson: LessonPage, group: CorrectionGroup, answers: dict[str, str], user: User
) -> LessonCompletion:
    """Record that the group completed the lesson online, once.

    Refused, with nothing written, when the user is not the group's learner or lead, the group
    is closed, the lesson is offline only, its time has not been spent, the quiz is not passed,
    or the lesson was already completed.
    """
    role = _role_in(group, user)
    if role not in LEARNING_ROLES:
        raise ValidationError(_("Only the group's learner or lead can complete its lessons."))
    if group.is_closed:
        raise ValidationError(_("This group is closed."))
    if lesson.delivery_mode == DeliveryMode.OFFLINE:
        raise ValidationError(_("This lesson is taught in sessions, not online."))
    start = LessonStart.objects.select_for_update().filter(group=group, lesson=lesson).first()
    if LessonCompletion.objects.filter(group=group, lesson=lesson).exists():
        raise ValidationError(_("This lesson has already been completed; it counts once."))
    now = timezone.now()
    elapsed = now - start.started_at if start else timedelta(0)
    if elapsed < conf.study_time(lesson.duration_minutes):
        spent = int(elapsed.total_seconds() // conf.seconds_per_study_minute())
        raise ValidationError(
            _("This lesson takes %(need)s minutes; %(spent)s have passed since it was opened.")
            % {"need": lesson.duration_minutes, "spent": spent}
        )
    score, stored = grade(lesson.quiz, answers)
    if score is not None and score < lesson.quiz["pass_mark"]:
        raise ValidationError(
            _("%(score)s%% right; %(mark)s%% is needed to pass. Read the lesson again and retry.")
            % {"score": score, "mark": lesson.quiz["pass_mark"]}
        )
    try:
        with transaction.atomic():
            completion = LessonCompletion.objects.create(
                group=group,
                lesson=lesson,
                recorded_by=user,
                on_behalf=role == Membership.Role.LEAD,
                minutes=lesson.duration_minutes,
                score=score,
                answers=stored,
                completed_at=now,
            )
    except IntegrityError:
        # Two submissions at once: the other one was recorded.
        raise ValidationError(
            _("This lesson has already been completed; it counts once.")
        ) from None
    hours_recompute(group=group, month=month_of(now))
    portal_services.audit_record(
        actor=user,
        action="curriculum.lesson_completed",
        target=completion,
        region=group.judicial_office,
        data={"lesson": lesson.pk, "group": group.code, "score": score},
    )
    return completion
