"""Two submissions of the same lesson at once (a double tap on a phone, two tabs): on PostgreSQL,
with real concurrent transactions, exactly one completion is recorded and the hours count once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from curriculum import services
from curriculum.models import LearningHours, LessonCompletion
from tests.curriculum import factories as cf
from tests.curriculum.conftest import open_lesson

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_submissions_record_one_completion(home_page, tree, world):
    open_lesson(world.group, tree.lesson)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(user):
        try:
            barrier.wait()
            services.lesson_complete(
                lesson=tree.lesson, group=world.group, answers=cf.RIGHT, user=user
            )
            outcomes.append("recorded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(u,)) for u in (world.learner, world.lead)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded", "refused"]
    assert LessonCompletion.objects.count() == 1
    assert LearningHours.objects.get(group=world.group).total_minutes == 45
