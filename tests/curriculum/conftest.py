"""The curriculum tree (index, standing series, this month's theme with a lesson) and a
correction group with a lead and a learner, from tests/groups/conftest.py."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from curriculum import services
from tests.curriculum import factories as cf
from tests.groups.conftest import world  # noqa: F401 - a fixture used by these tests


@pytest.fixture
def tree(db, reference_data):
    index = services.curriculum_tree_ensure()
    this_month = timezone.localdate().replace(day=1)
    theme = cf.theme(index, this_month)
    return SimpleNamespace(
        index=index,
        theme=theme,
        lesson=cf.lesson(theme, "好家风伴我行"),
        first=cf.series("first-lesson"),
        traffic=cf.series("traffic-law"),
    )


@pytest.fixture(autouse=True)
def instant_study_time(settings):
    """A lesson's minute lasts no time here, so a lesson opened can be completed at once. The
    clock itself is tested with a short real wait (test_services: the lesson's time must be
    spent) and in the browser journey; no test moves a timestamp back."""
    settings.CURRICULUM_SECONDS_PER_STUDY_MINUTE = 0


def open_lesson(group, lesson):
    """The group's learner opened the lesson (what the lesson page does on a visit)."""
    services.lesson_open(lesson=lesson, group=group)


def aware(*args):
    return timezone.make_aware(datetime(*args))
