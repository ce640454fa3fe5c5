"""The curriculum's beat tasks through a real Celery worker on Redis, as in production: a message
is queued by another process (where beat would send it), a worker process picks it up and works
on the test database, and what people notice appears: the learner's new lessons and their
notification, the lead's reminder of tomorrow's session."""

import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from curriculum import services
from curriculum.models import LessonAssignment
from curriculum.services import SessionData
from messaging.models import Notification
from tests.servers import ROOT, celery_worker, worker_env

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


def wait_for(check, log, seconds=60):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "".join(log)
        time.sleep(0.3)


def test_a_real_worker_assigns_the_months_theme_and_reminds_the_lead(home_page, tree, world):
    start = timezone.now() + timedelta(hours=20)
    services.session_schedule(
        data=SessionData(
            lesson=tree.lesson,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            place="天河南街社区活动室",
            facilitator="陈老师",
            groups=[world.group],
        ),
        scheduled_by=world.coordinator,
    )
    assert not LessonAssignment.objects.exists()

    # A queue of this test's own, so no other worker on the same Redis takes the messages.
    queue = f"curriculum-test-{uuid.uuid4().hex[:8]}"
    with celery_worker(broker_url=settings.REDIS_URL, queue=queue) as log:
        # Where beat would send them from: a process of its own, with the broker configured.
        sender = subprocess.run(
            [sys.executable, "-c",
             "import django, sys; django.setup(); from portal.celery import app; "
             "[app.send_task(name, queue=sys.argv[1]) for name in sys.argv[2:]]",
             queue, "curriculum.tasks.assign_by_rule", "curriculum.tasks.remind_sessions"],
            cwd=ROOT, env=worker_env(settings.REDIS_URL), capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert sender.returncode == 0, sender.stderr

        wait_for(
            lambda: Notification.objects.filter(
                user=world.lead, kind="curriculum.session_reminder"
            ).exists(),
            log,
        )

    # The learner was given this month's theme lesson and the entry and traffic-law rules ran.
    given = LessonAssignment.objects.get(group=world.group, lesson=tree.lesson)
    assert given.source == LessonAssignment.Source.MONTHLY
    note = Notification.objects.get(user=world.learner, kind="curriculum.lesson_assigned")
    assert note.url == "/learning/mine/"
    reminder = Notification.objects.get(user=world.lead, kind="curriculum.session_reminder")
    assert tree.lesson.title in reminder.title
    assert "succeeded" in "".join(log)
