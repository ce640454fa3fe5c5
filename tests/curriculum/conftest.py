"""The curriculum tree (index, standing series, this month's theme with a lesson) and a
correction group with a lead and a learner, from tests/groups/conftest.py."""

from datetime import datetime, timedelta
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


def backdate_start(group, lesson, minutes):
    from curriculum.models import LessonStart

    LessonStart.objects.update_or_create(
        group=group,
        lesson=lesson,
        defaults={"started_at": timezone.now() - timedelta(minutes=minutes)},
    )


def aware(*args):
    return timezone.make_aware(datetime(*args))
