"""The broker goes away and a worker dies mid-task, and no task that must not be lost is lost:
tasks are acknowledged only after they ran (a worker killed with kill -9 in the middle of one
leaves it to another worker), queued tasks survive a broker restart (append-only file, as in
docker-compose.yml), and what the broker never got is repaired, and reported, by the nightly
check. The Redis is the test's own; the workers are real processes."""

import json
import re
import subprocess
import sys
import time
import uuid
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from portal import mail as portal_mail
from portal.celery import app
from tests.faults.clients import eventually
from tests.mail import DEAD_BROKER, broker
from tests.messaging.conftest import build_world
from tests.servers import ROOT, CeleryWorker, RedisServer, worker_env

# The tasks whose loss someone would notice: mail, the search index, matching suggestions,
# urgent alerts, chat nudges, the dashboards' announced figures.
MUST_NOT_BE_LOST = [
    name
    for name in (
        "portal.tasks.send_email",
        "search.tasks.index_documents",
        "matching.tasks.suggestions_refresh",
        "alerts.tasks.escalate",
        "alerts.tasks.sweep",
        "messaging.tasks.notify_away",
        "dashboards.tasks.recompute_announced",
    )
    if apps.is_installed(name.split(".")[0])
]


@pytest.mark.parametrize("name", MUST_NOT_BE_LOST)
def test_tasks_that_must_not_be_lost_are_acknowledged_after_they_ran(name):
    app.loader.import_default_modules()
    task = app.tasks[name]
    assert task.acks_late and task.reject_on_worker_lost
    # Longer than any task may run: else Redis hands a message still being worked on to a
    # second worker.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT


def queue_mail(redis_url: str, queue: str, env: dict, to: str) -> None:
    """Queue one e-mail from a process of its own, as the web process would."""
    message = mail.EmailMessage("服务时长已确认", "您的服务时长已确认。", to=[to])
    data = json.dumps(portal_mail.message_to_data(message), ensure_ascii=False)
    sent = subprocess.run(
        [sys.executable, "-c",
         "import django, json, sys; django.setup(); from portal.tasks import send_email; "
         "send_email.apply_async(args=[json.loads(sys.argv[1])], queue=sys.argv[2])",
         data, queue],
        cwd=ROOT, env=worker_env(redis_url, **env), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr


def files(folder, prefix):
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix))


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_task_leaves_it_to_another(tmp_path):
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = {"DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings", "SLOW_MAIL_DIR": str(tmp_path)}
    redis = RedisServer()
    redis.start()
    first = CeleryWorker(
        broker_url=redis.url(), queue=queue, env={**env, "SLOW_MAIL_SECONDS": "60"}
    )
    second = CeleryWorker(
        broker_url=redis.url(), queue=queue, env={**env, "SLOW_MAIL_SECONDS": "0"}
    )
    try:
        first.start()
        queue_mail(redis.url(), queue, env, "volunteer@example.cn")
        eventually(lambda: files(tmp_path, "started-"), seconds=60)

        first.kill()  # kill -9 while the mail server is still taking the message
        assert not files(tmp_path, "sent-")

        second.start()
        sent = eventually(lambda: files(tmp_path, "sent-"), seconds=90)
        assert len(sent) == 1 and "volunteer@example.cn" in sent[0].read_text()
        assert len(files(tmp_path, "started-")) == 2  # the first attempt and the rerun
        time.sleep(6)  # past the visibility timeout: nothing is handed out a third time
        assert len(files(tmp_path, "sent-")) == 1, "".join(second.log)
    finally:
        first.kill()
        second.stop()
        redis.remove()


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_queued_tasks_survive_a_broker_restart_and_the_worker_reconnects(tmp_path):
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = {"DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings", "SLOW_MAIL_DIR": str(tmp_path)}
    redis = RedisServer(persistent=True)
    redis.start()
    worker = CeleryWorker(broker_url=redis.url(), queue=queue, env=env)
    try:
        # Queued while no worker runs, then the broker restarts: the queue is still there.
        queue_mail(redis.url(), queue, env, "first@example.cn")
        redis.restart()
        worker.start()
        eventually(lambda: len(files(tmp_path, "sent-")) == 1, seconds=60)

        # The broker crashes under a running worker, which reconnects by itself.
        redis.stop(kill=True)
        time.sleep(2)
        redis.start()
        queue_mail(redis.url(), queue, env, "second@example.cn")
        eventually(lambda: len(files(tmp_path, "sent-")) == 2, seconds=90)
        sent = "".join(p.read_text() for p in files(tmp_path, "sent-"))
        assert "first@example.cn" in sent and "second@example.cn" in sent, "".join(worker.log)
    finally:
        worker.stop()
        redis.remove()


@pytest.mark.django_db(transaction=True)
def test_an_index_update_the_broker_never_got_is_repaired_and_reported_by_the_nightly_check(
    regions, reference_data, caplog
):
    from search.backends import get_backend

    with broker(DEAD_BROKER):
        world = build_world(regions)  # the group is created; its index update is not queued
    assert "deferred" in caplog.text
    assert world.group.pk not in get_backend().digests("group")

    out = StringIO()
    call_command("search_index", "--check", stdout=out)
    assert "group         missing 1 " in out.getvalue()
    assert world.group.pk in get_backend().digests("group")
    out = StringIO()
    call_command("search_index", "--check", stdout=out)
    assert set(re.findall(r"(?:missing|stale|extra) (\d+)", out.getvalue())) == {"0"}
