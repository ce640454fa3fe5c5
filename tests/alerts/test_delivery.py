"""Delivery in layers, from the stored rows: the push (stamped only once it left), e-mail after
the wait to whoever has not acknowledged, then each group's lead reminded, and the beat sweep
that catches what a crashed process or a lost countdown left. Tasks run eagerly here; the real
worker runs them in test_worker.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts import delivery, services
from alerts.models import Alert, Recipient
from alerts.tasks import sweep
from messaging.models import Notification
from portal import events
from portal.models import AuditEvent
from tests.alerts.conftest import events_of, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_wait(settings):
    settings.ALERTS_ACK_WAIT_SECONDS = 60
    settings.ALERTS_REPUSH_AFTER_SECONDS = 0
    return 60


def age(alert, seconds):
    """Pretend the alert was sent `seconds` ago."""
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    alert.refresh_from_db()


def test_an_offline_member_gets_the_email_after_the_wait_and_only_once(
    world, short_wait, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = send(world)
    services.recipient_acknowledge(alert_id=alert.pk, user=world.lead, reply="已联系上")
    age(alert, 0)
    with django_capture_on_commit_callbacks(execute=True):
        sweep.delay()
    assert mail.outbox == []  # not yet: the wait has not passed
    age(alert, short_wait + 0.5)  # (test_worker.py waits for real)
    with django_capture_on_commit_callbacks(execute=True):
        sweep.delay()
        sweep.delay()
    to = sorted(m.to[0] for m in mail.outbox)
    assert "wang@example.cn" in to and "li@example.cn" in to
    assert "liu@example.cn" not in to  # acknowledged in time
    assert len(to) == 5
    message = next(m for m in mail.outbox if m.to == ["wang@example.cn"])
    assert "【演练】" in message.subject
    assert "石牌街道附近发生内涝" in message.body
    assert f"/alerts/{alert.pk}/acknowledge/" in message.body
    assert Recipient.objects.filter(alert=alert, emailed_at__isnull=False).count() == 5
    assert AuditEvent.objects.filter(action="alert.emailed").count() == 1


def test_then_each_groups_lead_is_reminded_of_who_has_not_acknowledged(
    world, short_wait, django_capture_on_commit_callbacks
):
    alert = send(world)
    services.recipient_acknowledge(alert_id=alert.pk, user=world.social_worker)
    age(alert, 2 * short_wait + 1)
    with django_capture_on_commit_callbacks(execute=True):
        emailed, reminded = delivery.escalate(alert.pk)
    assert (emailed, reminded) == (5, 2)
    reminders = [m for m in mail.outbox if "尚未确认通知" in m.body]
    by_lead = {m.to[0]: m.body for m in reminders}
    shipai = by_lead["liu@example.cn"]
    assert "王小红" in shipai and "赵经理" in shipai and "陈社工" not in shipai
    assert "刘组长" not in shipai  # a lead is not listed in their own reminder
    note = Notification.objects.get(user=world.lead, kind="alert.lead_reminder")
    assert world.shipai.code in note.title and "演练" in note.title
    assert Notification.objects.filter(user=world.tiannan_lead).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.escalate(alert.pk) == (0, 0)


def test_nothing_is_escalated_after_closing(world, short_wait, django_capture_on_commit_callbacks):
    alert = send(world)
    services.alert_close(alert=alert, closed_by=world.coordinator)
    age(alert, 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.delay().get() == {"alerts": 0, "pushed": 0, "emailed": 0, "reminded": 0}
    assert mail.outbox == []


# Transactional, as in production: after the commit, the push runs outside any transaction, so
# the layer's refusal reaches push() before it stamps anything.
@pytest.mark.django_db(transaction=True)
def test_a_push_the_layer_refused_is_pushed_again_by_the_sweep(
    world, short_wait, published, monkeypatch
):
    def layer_down(groups, message):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(events, "_deliver", layer_down)
    alert = send(world)  # the sender sees no error: the alert is stored
    assert Recipient.objects.filter(alert=alert, sent_at__isnull=True).count() == 6  # stored
    monkeypatch.undo()
    delivered = []
    monkeypatch.setattr(events, "_deliver", lambda groups, message: delivered.append(message))
    assert sweep.delay().get()["pushed"] == 6
    assert set(delivered[0]["to"]) == {u.pk for u in world.county_people}
    assert not Recipient.objects.filter(alert=alert, sent_at__isnull=True).exists()


def test_a_process_killed_before_its_push_loses_no_one(
    world, short_wait, published, django_capture_on_commit_callbacks
):
    # The sending transaction committed; the process died before its on-commit push ran.
    alert = send(world)
    assert events_of(published, "alert.sent") == []
    acked = Recipient.objects.get(alert=alert, user=world.partner)
    services.recipient_acknowledge(alert_id=alert.pk, user=world.partner)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.sweep()
    ((to, event),) = events_of(published, "alert.sent")
    assert to == {u.pk for u in world.county_people} - {acked.user_id}
    assert event["payload"]["alert"] == alert.pk


def test_the_sweep_leaves_a_fresh_alert_to_the_process_sending_it(world, settings, published):
    settings.ALERTS_REPUSH_AFTER_SECONDS = 30
    send(world)
    assert delivery.sweep()["pushed"] == 0
    assert events_of(published, "alert.sent") == []
