"""Synthetic lessons, sessions with attendance, and online completions for `seed_scale`.

Lessons are real Wagtail pages, so they go through the page tree one by one (treebeard paths,
multi-table inheritance: bulk_create cannot make them); sessions, rosters and completions are
bulk-created, and the month's learning hours rebuilt in a few set-based queries at the end.
"""

import json
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

BATCH = 2000
TOPICS = ("家风", "法治", "就业", "心理", "禁毒", "交通安全", "感恩", "诚信", "劳动", "规划")
ROSTER = 20  # groups per synthetic session


def add_arguments(parser) -> None:
    parser.add_argument("--lessons", type=int, default=0, help="published lessons to create")
    parser.add_argument(
        "--sessions", type=int, default=0, help=f"offline sessions, {ROSTER} groups on each roster"
    )
    parser.add_argument("--completions", type=int, default=0, help="online completions")


def _body(topic: str) -> str:
    return json.dumps(
        [
            {"type": "heading", "value": f"一、{topic}的意义"},
            {"type": "paragraph", "value": f"<p>本课围绕“{topic}”展开，结合真实案例讲解。</p>"},
            {
                "type": "quiz",
                "value": {
                    "heading": "随堂测验",
                    "pass_mark": 60,
                    "questions": [
                        {
                            "question": f"学习“{topic}”最重要的是？",
                            "choices": [
                                {"text": "知行合一", "is_correct": True},
                                {"text": "应付了事", "is_correct": False},
                            ],
                        }
                    ],
                },
            },
        ],
        ensure_ascii=False,
    )


def create_lessons(count: int, *, rng: random.Random, progress=None) -> int:
    from curriculum.models import LessonPage, LessonSeriesPage, MonthlyThemePage
    from curriculum.services import curriculum_tree_ensure

    index = curriculum_tree_ensure()
    year = timezone.localdate().year
    themes = []
    for month in range(1, 13):
        first = timezone.localdate().replace(year=year, month=month, day=1)
        theme = MonthlyThemePage.objects.filter(month=first).first()
        if theme is None:
            topic = TOPICS[month % len(TOPICS)]
            theme = MonthlyThemePage(
                title=f"{year}年{month}月：{topic}教育",
                slug=f"theme-{first:%Y-%m}",
                month=first,
                theme=f"{topic}教育",
                summary=f"{topic}教育主题月。",
            )
            index.add_child(instance=theme)
        themes.append(theme)
    parents = themes + list(LessonSeriesPage.objects.all())
    start = LessonPage.objects.count()
    for i in range(count):
        topic = rng.choice(TOPICS)
        parent = parents[i % len(parents)]
        parent.add_child(
            instance=LessonPage(
                title=f"{topic}专题第{start + i + 1}课",
                slug=f"lesson-{start + i + 1}",
                summary=f"{topic}专题课程。",
                body=_body(topic),
                duration_minutes=rng.choice((30, 45, 60, 90)),
                delivery_mode=rng.choice(("online", "offline", "both")),
                stage=rng.choice(("entry", "active", "pre_release")),
                audience=rng.choice(("all", "all", "adult", "juvenile")),
                live=True,
            )
        )
        parent.refresh_from_db()  # treebeard keeps numchild on the row
        if progress:
            progress.update(1)
    return count


def create_sessions(count: int, *, rng: random.Random, progress=None) -> int:
    from curriculum.models import Attendance, LessonPage, LessonSession
    from groups.models import CorrectionGroup

    lessons = list(
        LessonPage.objects.live().exclude(delivery_mode="online").values_list("pk", flat=True)
    )
    groups = list(
        CorrectionGroup.objects.filter(status="active").values_list("pk", "judicial_office_id")
    )
    if not lessons or not groups:
        raise ValueError("Create offline lessons and groups first (--lessons, --groups).")
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH // ROSTER, count - done)
        with transaction.atomic():
            rosters, sessions = [], []
            for _ in range(size):
                roster = rng.sample(groups, min(ROSTER, len(groups)))
                start = now - timedelta(days=rng.randint(0, 27), hours=rng.randint(1, 8))
                length = rng.choice((60, 90, 120))
                rosters.append((roster, length))
                sessions.append(
                    LessonSession(
                        lesson_id=rng.choice(lessons),
                        region_id=roster[0][1],
                        starts_at=start,
                        ends_at=start + timedelta(minutes=length),
                        place="社区矫正教育基地",
                        facilitator="教育矫正专员",
                    )
                )
            LessonSession.objects.bulk_create(sessions)
            Attendance.objects.bulk_create(
                (
                    Attendance(
                        session=session,
                        group_id=group_id,
                        status=(
                            status := rng.choices(("present", "absent", "excused"), (8, 1, 1))[0]
                        ),
                        minutes=length if status == "present" else 0,
                        recorded_at=session.ends_at,
                    )
                    for session, (roster, length) in zip(sessions, rosters, strict=True)
                    for group_id, _office in roster
                ),
                batch_size=BATCH,
            )
        done += size
        if progress:
            progress.update(size)
    return done


def create_completions(count: int, *, rng: random.Random, progress=None) -> int:
    from curriculum.models import LessonCompletion, LessonPage
    from groups.models import CorrectionGroup

    lessons = list(
        LessonPage.objects.live()
        .exclude(delivery_mode="offline")
        .values_list("pk", "duration_minutes")
    )
    groups = list(CorrectionGroup.objects.filter(status="active").values_list("pk", flat=True))
    if not lessons or not groups:
        raise ValueError("Create online lessons and groups first (--lessons, --groups).")
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        rows = {}
        for _ in range(size):
            lesson, minutes = rng.choice(lessons)
            rows[(rng.choice(groups), lesson)] = minutes
        LessonCompletion.objects.bulk_create(
            (
                LessonCompletion(
                    group_id=group,
                    lesson_id=lesson,
                    minutes=minutes,
                    score=100,
                    completed_at=now - timedelta(days=rng.randint(0, 27)),
                )
                for (group, lesson), minutes in rows.items()
            ),
            ignore_conflicts=True,
        )
        done += size
        if progress:
            progress.update(size)
    return done


def run(options, *, rng: random.Random, bar: dict) -> None:
    from tqdm import tqdm

    from curriculum.services.hours import hours_rebuild

    if options["lessons"]:
        with tqdm(total=options["lessons"], desc="lessons", **bar) as progress:
            create_lessons(options["lessons"], rng=rng, progress=progress)
    if options["sessions"]:
        with tqdm(total=options["sessions"], desc="sessions", **bar) as progress:
            create_sessions(options["sessions"], rng=rng, progress=progress)
    if options["completions"]:
        with tqdm(total=options["completions"], desc="completions", **bar) as progress:
            create_completions(options["completions"], rng=rng, progress=progress)
    if options["sessions"] or options["completions"]:
        today = timezone.localdate()
        for month in {
            today.replace(day=1),
            (today.replace(day=1) - timedelta(days=1)).replace(day=1),
        }:
            hours_rebuild(month=month)
