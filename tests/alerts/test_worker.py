"""Escalation through a real Celery worker on Redis, as in production: the alert is sent by
another process (the web process: its countdown tasks go to the broker), the worker waits out
ALERTS_ACK_WAIT_SECONDS (two seconds here) and e-mails whoever has not acknowledged, then
reminds each group's lead; the person who acknowledged in time gets nothing."""

import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from alerts import services
from alerts.models import Alert, Recipient
from tests.servers import ROOT, celery_worker, worker_env

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

SEND = """
import django, sys
django.setup()
from alerts import services
from alerts.reach import Reach
from portal.models import Region, User
sender = User.objects.get(pk=int(sys.argv[1]))
services.alert_send(
    sender=sender,
    key="worker-test",
    data=services.AlertData(
        message="【演练】石牌街道附近发生内涝，请立即确认所联系对象是否安全。",
        reach=Reach(kind="county", region=Region.objects.get(code="440106")),
        is_drill=True,
    ),
)
"""


def wait_for(check, log, seconds=90):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "".join(log)
        time.sleep(0.3)


def test_a_real_worker_emails_the_offline_member_after_the_wait_then_reminds_the_lead(
    world, tmp_path
):
    queue = f"alerts-test-{uuid.uuid4().hex[:8]}"
    (tmp_path / "alerts_worker_settings.py").write_text(
        "from portal.settings.test import *  # noqa: F403\n"
        "ALERTS_ACK_WAIT_SECONDS = 2\n"
        f"CELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
    )
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "alerts_worker_settings",
        "PYTHONPATH": f"{tmp_path}:{ROOT}",
        "EMAIL_URL": f"filemail:///{outbox}",  # django-environ drops one slash
    }

    def sent() -> str:
        return "".join(p.read_text() for p in outbox.iterdir())

    with celery_worker(broker_url=settings.REDIS_URL, queue=queue, env=env) as log:
        web = subprocess.run(
            [sys.executable, "-c", SEND, str(world.coordinator.pk)],
            cwd=ROOT, env=worker_env(settings.REDIS_URL, **env), capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert web.returncode == 0, web.stderr
        alert = Alert.objects.get()
        services.recipient_acknowledge(alert_id=alert.pk, user=world.volunteer, reply="已联系上")
        sent_at = time.monotonic()
        wait_for(lambda: "li@example.cn" in sent(), log)
        assert time.monotonic() - sent_at < 60
        # The reminder whole: the file backend writes through a buffer, so a read may catch a
        # message cut anywhere; its end is the separator line the backend writes after it.
        wait_for(lambda: "-" * 79 in sent().partition("尚未确认通知")[2], log)
    mail = sent()
    assert "wang@example.cn" not in mail  # acknowledged in time
    assert "石牌街道附近发生内涝" in mail
    assert "李志愿" in mail  # named in 周组长's reminder
    emailed = Recipient.objects.filter(alert=alert, emailed_at__isnull=False)
    assert emailed.count() == 5
    first = emailed.order_by("emailed_at").first()
    assert (first.emailed_at - alert.created_at).total_seconds() >= 2
    assert Recipient.objects.filter(alert=alert, lead_reminded_at__isnull=False).exists()
