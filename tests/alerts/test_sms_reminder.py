"""An alert not acknowledged, by SMS, through the alerts app's real escalation: a recipient who
chose SMS notices on a verified number is told an alert waits, and the group's lead is told to
follow up, with no member's name, no group
and not the alert's words (messaging/sms_notices.py holds the text)."""

from datetime import timedelta

from django.utils import timezone

from alerts import delivery
from alerts.models import Alert
from messaging.models import Notification
from portal.models import User
from tests.alerts.conftest import send


def test_the_lead_gets_a_plain_sms_when_members_have_not_acknowledged(
    world, settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.ALERTS_ACK_WAIT_SECONDS = 60
    User.objects.filter(pk=world.lead.pk).update(
        mobile="13800000031", mobile_verified=True, sms_notices=True
    )
    # Verified but did not choose SMS notices: reminded in the portal only.
    User.objects.filter(pk=world.tiannan_lead.pk).update(mobile="13800000032", mobile_verified=True)
    alert = send(world)
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(seconds=121))

    with django_capture_on_commit_callbacks(execute=True):
        delivery.escalate(alert.pk)

    note = Notification.objects.get(user=world.lead, kind="alert.lead_reminder")
    assert world.shipai.code in note.title and "王小红" in note.body
    assert Notification.objects.filter(user=world.tiannan_lead).exists()
    # The lead has not acknowledged either: first the alert waiting (with its e-mail), then the
    # reminder about the members.
    assert [(m.phone, m.text) for m in sms_outbox] == [
        (
            "13800000031",
            "【社区矫正社会力量协同平台】您有一条紧急通知尚未确认，请登录平台查看。",
        ),
        (
            "13800000031",
            "【社区矫正社会力量协同平台】您的小组有成员尚未确认紧急通知，请登录平台跟进。",
        ),
    ]
    for text in (m.text for m in sms_outbox):
        assert (
            world.shipai.code not in text
            and "王小红" not in text
            and world.learner.display_name not in text
        )
        assert "内涝" not in text
