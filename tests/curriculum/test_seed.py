"""seed_demo's curriculum (a year of themes, the standing series, all live; safe to re-run),
seed_scale's lessons, sessions and completions, and the benchmark scenario at small scale."""

import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from curriculum import demo, scale
from curriculum.models import (
    Attendance,
    LearningHours,
    LessonCompletion,
    LessonPage,
    LessonSession,
    MonthlyThemePage,
)
from groups.scale import create_groups
from portal import services as portal_services
from portal.demo_regions import REGIONS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_curriculum_is_a_year_of_live_themes_and_runs_twice(reference_data):
    portal_services.region_tree_load(tree=REGIONS)
    out = io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    year = timezone.localdate().year
    themes = MonthlyThemePage.objects.live().filter(month__year=year)
    assert themes.count() == 12
    assert {"家风教育", "人生规划", "革命传统"} <= set(themes.values_list("theme", flat=True))
    assert LessonPage.objects.filter(live=False).count() == 0
    titles = set(LessonPage.objects.values_list("title", flat=True))
    assert "入矫第一课：认识社区矫正" in titles and "醉驾的法律后果" in titles
    # Two per month's theme, three first lessons, three traffic-law lessons, two before release.
    assert LessonPage.objects.count() == 12 * 2 + 3 + 3 + 2


def test_seed_scale_makes_lessons_sessions_and_hours(regions, reference_data):
    rng = random.Random(1)
    create_groups(50, rng=rng, offices=[regions["440106005"], regions["440104003"]])
    scale.run(
        {"lessons": 20, "sessions": 5, "completions": 30},
        rng=rng,
        bar={"disable": True},
    )
    assert LessonPage.objects.live().count() == 20
    assert LessonSession.objects.count() == 5
    assert Attendance.objects.count() == 5 * 20
    assert LessonCompletion.objects.exists()
    assert LearningHours.objects.exists()


def test_the_curriculum_benchmark_prints_p50_and_p95():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BENCH_DATABASE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "curriculum", "--scale", "small", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for label in ("lesson page, visitor", "lesson page, learner", "month report, province"):
        assert re.search(rf"{label}.*p50\s+\d+\.\d+ ms\s+p95\s+\d+\.\d+ ms", result.stdout), (
            result.stdout
        )
