"""A learner's lessons (or a lead's, who learns on the group's behalf): the list of "My lessons",
one lesson's content, starting the study clock and completing with the quiz answers. Every call
is the pages': curriculum.selectors.my_lessons / learning_groups / lesson_page_context read,
curriculum.services.lesson_open_for_user / lesson_complete decide (400 with their message).

The quiz goes out as questions and choices only: which choice is right stays on the server, as
on the lesson page (curriculum.blocks)."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html
from ninja import Path, Router, Schema
from pydantic import Field

from api.adapters import MAX_ID
from api.schemas import READ_ERRORS, WRITE_ERRORS
from curriculum import selectors, services
from curriculum.models import (
    LearningHours,
    LessonPage,
    LessonSeriesPage,
    LessonStart,
    MonthlyThemePage,
)
from curriculum.services.hours import month_of

router = Router()


class MyLesson(Schema):
    id: int
    title: str
    group: str
    # How the lesson reached the group ("monthly", "entry", "lead" ...) and its words.
    source: str
    source_label: str
    assigned_at: datetime
    # The monthly theme the lesson belongs to (null for a lesson of a standing series).
    month: date | None
    theme: str | None
    series: str | None
    duration_minutes: int
    # "new" (not opened), "waiting" (its time not spent yet), "ready" (answer the quiz),
    # "done", or "sessions" (taught offline; attendance is recorded there).
    status: str
    # When the lesson's time is spent and it may be completed: the only date the pages show
    # (a lesson has no due date).
    ready_at: datetime | None
    completed_at: datetime | None
    score: int | None


class MonthHours(Schema):
    group: str
    role: str
    month: date
    # This month's learning, online and offline, as "My lessons" shows it.
    minutes: int


class MyLessons(Schema):
    items: list[MyLesson]
    hours: list[MonthHours]


class Block(Schema):
    type: str
    # Rendered by the block's own template (images point at this site's renditions), except a
    # video, which is a plain link: its embed would load another host's player.
    html: str


class Choice(Schema):
    text: str


class Question(Schema):
    question: str
    choices: list[Choice]


class Quiz(Schema):
    heading: str
    pass_mark: int
    # Answer with the index of the chosen choice per question, in this order.
    questions: list[Question]


class GroupState(Schema):
    group: str
    status: str
    started_at: datetime | None
    ready_at: datetime | None
    completed_at: datetime | None
    score: int | None


class Lesson(Schema):
    id: int
    title: str
    summary: str
    objectives: list[str]
    duration_minutes: int
    delivery_mode: str
    delivery_label: str
    stage_label: str
    audience_label: str
    parent: str
    body: list[Block]
    quiz: Quiz | None
    # Per group the caller learns in (empty for anyone else, who may still read the lesson).
    learning: list[GroupState]


class Complete(Schema):
    group: str = Field(max_length=24, description="The code of the group it is completed for.")
    answers: list[int] = Field(
        [], max_length=20, description="The chosen choice's index for each question, in order."
    )


class Completion(Schema):
    lesson: int
    group: str
    score: int | None
    minutes: int
    completed_at: datetime
    # The group's learning this month, this lesson included.
    month_minutes: int


def _status(*, done, offline: bool, started_at, ready: bool) -> str:
    # The lesson page's own states (lesson_page.html's data-state), plus "new" before opening.
    if done:
        return "done"
    if offline:
        return "sessions"
    if started_at is None:
        return "new"
    return "ready" if ready else "waiting"


def _lesson_or_404(lesson_id: int) -> LessonPage:
    return get_object_or_404(selectors.live_lessons(), pk=lesson_id)


def _states(lesson: LessonPage, user) -> list[GroupState]:
    context = selectors.lesson_page_context(lesson, user)
    return [
        GroupState(
            group=item["group"].code,
            status=_status(
                done=item["completion"],
                offline=lesson.delivery_mode == "offline",
                started_at=item["started_at"],
                ready=item["ready"],
            ),
            started_at=item["started_at"],
            ready_at=item["ready_at"],
            completed_at=item["completion"].completed_at if item["completion"] else None,
            score=item["completion"].score if item["completion"] else None,
        )
        for item in context["learning"]
    ]


def _parents(lessons) -> dict[str, dict]:
    """Parent page path -> its theme (month, theme) or series title: two queries in all."""
    paths = {lesson["path"][: -LessonPage.steplen] for lesson in lessons}
    found = {
        p["path"]: {"month": p["month"], "theme": p["theme"], "series": None}
        for p in MonthlyThemePage.objects.filter(path__in=paths).values("path", "month", "theme")
    }
    for p in LessonSeriesPage.objects.filter(path__in=paths).values("path", "title"):
        found[p["path"]] = {"month": None, "theme": None, "series": p["title"]}
    return found


@router.get("/lessons", response={200: MyLessons, **READ_ERRORS}, summary="My lessons")
def lesson_list(request):
    """The lessons given to each open group the caller learns in or leads, newest first."""
    groups = selectors.my_lessons(request.auth)
    assignments = [a for item in groups for a in item["assignments"]]
    lessons = {
        row["pk"]: row
        for row in LessonPage.objects.filter(pk__in={a.lesson_id for a in assignments}).values(
            "pk", "path", "duration_minutes", "delivery_mode"
        )
    }
    parents = _parents(lessons.values())
    starts = {
        (s.group_id, s.lesson_id): s.started_at
        for s in LessonStart.objects.filter(
            group_id__in=[item["membership"].group_id for item in groups],
            lesson_id__in=list(lessons),
        )
    }
    codes = {item["membership"].group_id: item["membership"].group.code for item in groups}
    now = timezone.now()
    items = []
    for a in assignments:
        lesson = lessons[a.lesson_id]
        parent = parents.get(lesson["path"][: -LessonPage.steplen], {})
        started = starts.get((a.group_id, a.lesson_id))
        ready_at = (
            started + selectors.conf.study_time(lesson["duration_minutes"]) if started else None
        )
        items.append(
            MyLesson(
                id=a.lesson_id,
                title=a.lesson.title,
                group=codes[a.group_id],
                source=a.source,
                source_label=a.get_source_display(),
                assigned_at=a.assigned_at,
                month=parent.get("month"),
                theme=parent.get("theme"),
                series=parent.get("series"),
                duration_minutes=lesson["duration_minutes"],
                status=_status(
                    done=a.completion,
                    offline=lesson["delivery_mode"] == "offline",
                    started_at=started,
                    ready=bool(ready_at and ready_at <= now),
                ),
                ready_at=ready_at,
                completed_at=a.completion.completed_at if a.completion else None,
                score=a.completion.score if a.completion else None,
            )
        )
    hours = [
        MonthHours(
            group=item["membership"].group.code,
            role=item["membership"].role,
            month=item["month"],
            minutes=item["hours"].total_minutes if item["hours"] else 0,
        )
        for item in groups
    ]
    return MyLessons(items=items, hours=hours)


def _block(child) -> Block:
    if child.block_type == "video":
        html = format_html(
            '<a href="{}" rel="noopener">{}</a>', child.value["url"], child.value["title"]
        )
    else:
        html = child.render()
    return Block(type=child.block_type, html=str(html))


def _quiz(quiz) -> Quiz | None:
    if not quiz:
        return None
    return Quiz(
        heading=quiz["heading"] or "",
        pass_mark=quiz["pass_mark"],
        # Each choice's text only: never its is_correct.
        questions=[
            Question(question=q["question"], choices=[Choice(text=c["text"]) for c in q["choices"]])
            for q in quiz["questions"]
        ],
    )


@router.get("/lessons/{lesson_id}", response={200: Lesson, **READ_ERRORS}, summary="One lesson")
def lesson_detail(request, lesson_id: int = Path(..., ge=1, le=MAX_ID)):
    """A published lesson, as its page shows it (public there too). Reading it starts nothing:
    the app says when the learner begins (POST .../start)."""
    lesson = _lesson_or_404(lesson_id)
    return Lesson(
        id=lesson.pk,
        title=lesson.title,
        summary=lesson.summary,
        objectives=lesson.objective_list(),
        duration_minutes=lesson.duration_minutes,
        delivery_mode=lesson.delivery_mode,
        delivery_label=lesson.get_delivery_mode_display(),
        stage_label=lesson.get_stage_display(),
        audience_label=lesson.get_audience_display(),
        parent=lesson.get_parent().title,
        body=[_block(child) for child in lesson.body if child.block_type != "quiz"],
        quiz=_quiz(lesson.quiz),
        learning=_states(lesson, request.auth),
    )


@router.post(
    "/lessons/{lesson_id}/start",
    response={200: list[GroupState], **WRITE_ERRORS},
    summary="Start studying a lesson",
)
def start(request, lesson_id: int = Path(..., ge=1, le=MAX_ID)):
    """Start the lesson's clock for each open group the caller learns in or leads (what opening
    the lesson page does; a second start keeps the first time). 404 for anyone who learns in no
    group."""
    lesson = _lesson_or_404(lesson_id)
    if not selectors.learning_groups(request.auth):
        raise Http404
    services.lesson_open_for_user(lesson=lesson, user=request.auth)
    return _states(lesson, request.auth)


@router.post(
    "/lessons/{lesson_id}/complete",
    response={200: Completion, **WRITE_ERRORS},
    summary="Complete a lesson with the quiz answers",
)
def complete(request, payload: Complete, lesson_id: int = Path(..., ge=1, le=MAX_ID)):
    """Recorded once per group when its time is spent and the quiz passed; otherwise 400 with
    the lesson page's message (a failed quiz says the score and the pass mark) and nothing is
    recorded."""
    lesson = _lesson_or_404(lesson_id)
    membership = next(
        (m for m in selectors.learning_groups(request.auth) if m.group.code == payload.group), None
    )
    if membership is None:
        raise Http404
    answers = {f"q{i}": str(choice) for i, choice in enumerate(payload.answers)}
    completion = services.lesson_complete(
        lesson=lesson, group=membership.group, answers=answers, user=request.auth
    )
    hours = LearningHours.objects.filter(
        group=membership.group, month=month_of(completion.completed_at)
    ).first()
    return Completion(
        lesson=lesson.pk,
        group=membership.group.code,
        score=completion.score,
        minutes=completion.minutes,
        completed_at=completion.completed_at,
        month_minutes=hours.total_minutes if hours else 0,
    )
