"""The referral deadline by SMS, through the partners app's real reminder: the organisation's
people who chose SMS notices on a verified number are told a referral is due tomorrow, and
nothing about whom or which group (messaging/sms_notices.py holds the text)."""

from datetime import timedelta

from django.utils import timezone

from groups import services as group_services
from messaging.models import Notification
from partners import tasks
from partners.models import Referral
from portal.models import User


def test_the_day_before_the_deadline_the_partner_gets_a_plain_sms(
    world, referral, sms_outbox, django_capture_on_commit_callbacks
):
    learner = group_services.learner_account_create(
        group=world.group, display_name="学员甲", created_by=world.coordinator
    ).user
    User.objects.filter(pk=world.owner.pk).update(
        mobile="13800000011", mobile_verified=True, sms_notices=True
    )
    User.objects.filter(pk=world.member.pk).update(mobile="13800000012", mobile_verified=True)
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() + timedelta(hours=20))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_referrals.delay().get() == 1

    note = Notification.objects.get(user=world.owner, kind="referral.reminder")
    assert world.group.code in note.title  # the portal's notice names the group; the SMS never
    assert [(m.phone, m.text) for m in sms_outbox] == [
        (
            "13800000011",
            "【社区矫正社会力量协同平台】您有一条待处理的转介，截止时间为明天，请登录平台查看。",
        )
    ]  # the member did not choose SMS notices
    text = sms_outbox[0].text
    assert world.group.code not in text and learner.display_name not in text
    assert world.job.title not in text
