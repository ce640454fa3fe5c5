"""The one mail path (portal.mail): every e-mail goes through a real Celery worker on Redis, is
tried again while the mail server fails, and is sent directly when the broker is down, so an
action never fails because of its e-mail and no e-mail is silently lost."""

import json
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction

from portal import mail as portal_mail
from tests.mail import DEAD_BROKER, FailingBackend, broker, retrying_like_a_worker
from tests.servers import ROOT, celery_worker, worker_env


def test_a_rendered_message_survives_the_trip_through_json(db):
    message = mail.EmailMultiAlternatives(
        "确认您的邮箱", "正文", "noreply@portal.example.cn", ["a@example.cn"]
    )
    message.attach_alternative("<p>正文</p>", "text/html")
    data = portal_mail.message_to_data(message)

    copy = portal_mail.data_to_message(json.loads(json.dumps(data)))
    assert (copy.subject, copy.body, copy.to, copy.alternatives[0][0]) == (
        "确认您的邮箱", "正文", ["a@example.cn"], "<p>正文</p>"
    )  # fmt: skip


def test_with_the_broker_down_the_mail_is_sent_at_once(db, django_capture_on_commit_callbacks):
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_on_commit(mail.EmailMessage("主题", "正文", to=["b@example.cn"]))
    assert [m.to for m in mail.outbox] == [["b@example.cn"]]


def test_a_mail_server_that_hangs_up_is_tried_again(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail.FailingBackend"
    FailingBackend.failures = 2
    with retrying_like_a_worker(), django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_on_commit(
            portal_mail.compose(subject="邀请", body="正文", to=["c@example.cn"])
        )
    assert FailingBackend.failures == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("[社区矫正社会力量协同平台] 邀请", ["c@example.cn"])
    ]


def test_with_broker_and_mail_server_both_down_the_loss_is_logged_and_the_action_stands(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail.FailingBackend"
    FailingBackend.failures = 1
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_on_commit(mail.EmailMessage("主题", "正文", to=["d@example.cn"]))
    assert mail.outbox == []
    assert any(r.levelname == "ERROR" and "d@example.cn" in r.getMessage() for r in caplog.records)


def test_mail_sent_by_any_code_waits_for_the_commit_and_goes_through_the_task(
    db, settings, django_capture_on_commit_callbacks
):
    """Wagtail's moderation notices and Django's password reset call send_mail themselves: the
    portal's EMAIL_BACKEND queues them like its own mail (the test runner swaps it out)."""
    settings.EMAIL_BACKEND = "portal.mail.QueuedBackend"
    settings.EMAIL_DELIVERY_BACKEND = "tests.mail.FailingBackend"
    FailingBackend.failures = 1
    with (
        retrying_like_a_worker(),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        send_mail("新课程待审核", "《家风教育》已提交审核。", None, ["shenhe@example.cn"])
        assert mail.outbox == []  # nothing leaves before the commit
    assert FailingBackend.failures == 0
    assert [m.to for m in mail.outbox] == [["shenhe@example.cn"]]


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_confirmation_queued_by_another_process(tmp_path, settings):
    """The web side (portal.mail._enqueue) runs in its own process, as in production, so the
    test process's eager Celery app plays no part: web process → Redis → worker → SMTP."""
    url = settings.REDIS_URL.rsplit("/", 1)[0] + "/14"
    outbox = tmp_path / "mail"
    outbox.mkdir()
    email_url = f"filemail:///{outbox}"  # django-environ drops one slash: an absolute path
    env = worker_env(url, EMAIL_URL=email_url)
    with celery_worker(broker_url=url, env={"EMAIL_URL": email_url}) as log:
        message = mail.EmailMessage(
            "请确认您的电子邮件地址", "确认链接：http://127.0.0.1:8000/accounts/confirm-email/abc/",
            "noreply@portal.example.cn", ["zhou@example.cn"],
        )  # fmt: skip
        web = subprocess.run(
            [sys.executable, "-c",
             "import django, json, sys; django.setup(); from portal import mail; "
             "mail._enqueue(json.loads(sys.argv[1]))",
             json.dumps(portal_mail.message_to_data(message))],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert web.returncode == 0, web.stderr
        assert "sending e-mail" not in web.stderr  # queued, not the broker-down fallback
        deadline = time.monotonic() + 60
        while not list(outbox.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.2)
        sent = "".join(p.read_text() for p in outbox.iterdir())
    assert "zhou@example.cn" in sent, "".join(log)
    assert "/accounts/confirm-email/" in sent
