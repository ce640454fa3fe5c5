"""The curriculum's beat tasks through a real Celery worker on Redis, as in production: a message
is queued by another process (where beat would send it), a worker process picks it up and works
on the test database, and what people notice appears: the learner's new lessons and their
notification, the lead's reminder of tomorrow's session."""

import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from curriculum import services
from curriculum.models import LessonAssignment
from curriculum.services import SessionData
from messaging.models import Notification
from tests.servers import ROOT, test_database_url

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


def sessions() -> set[int]:
    """The database sessions on the test database, by server process id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid for (pid,) in cursor.fetchall()}


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
    before = sessions()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "info", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    log = []
    threading.Thread(target=lambda: log.extend(worker.stdout), daemon=True).start()
    try:
        wait_for(lambda: any(" ready." in line for line in log) or worker.poll() is not None, log,
                 seconds=180)  # fmt: skip
        assert worker.poll() is None, "".join(log)
        # Where beat would send them from: a process of its own, with the broker configured.
        sender = subprocess.run(
            [sys.executable, "-c",
             "import django, sys; django.setup(); from portal.celery import app; "
             "[app.send_task(name, queue=sys.argv[1]) for name in sys.argv[2:]]",
             queue, "curriculum.tasks.assign_by_rule", "curriculum.tasks.remind_sessions"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert sender.returncode == 0, sender.stderr

        wait_for(
            lambda: Notification.objects.filter(
                user=world.lead, kind="curriculum.session_reminder"
            ).exists(),
            log,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        # The worker's database session ends a moment after the process: wait, so the test
        # database can be dropped at the end of the run.
        wait_for(lambda: not sessions() - before, log, seconds=15)

    # The learner was given this month's theme lesson and the entry and traffic-law rules ran.
    given = LessonAssignment.objects.get(group=world.group, lesson=tree.lesson)
    assert given.source == LessonAssignment.Source.MONTHLY
    note = Notification.objects.get(user=world.learner, kind="curriculum.lesson_assigned")
    assert note.url == "/learning/mine/"
    reminder = Notification.objects.get(user=world.lead, kind="curriculum.session_reminder")
    assert tree.lesson.title in reminder.title
    assert "succeeded" in "".join(log)
