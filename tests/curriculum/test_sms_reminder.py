"""A session tomorrow by SMS, through the curriculum app's real reminder: the group's lead, who
chose SMS notices on a verified number, is told there is a session tomorrow, and nothing of the
lesson, the place or the group (messaging/sms_notices.py holds the text)."""

from datetime import timedelta

from django.utils import timezone

from curriculum import services
from messaging.models import Notification
from portal.models import User
from tests.curriculum.test_services import session_data


def test_the_lead_gets_a_plain_sms_the_day_before_a_session(
    tree, world, sms_outbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.lead.pk).update(
        mobile="13800000021", mobile_verified=True, sms_notices=True
    )
    starts = timezone.now() + timedelta(hours=20)
    data = session_data(tree, world, starts_at=starts, ends_at=starts + timedelta(minutes=90))
    session = services.session_schedule(data=data, scheduled_by=world.lead)
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_remind(session_id=session.pk)

    note = Notification.objects.get(user=world.lead, kind="curriculum.session_reminder")
    assert tree.lesson.title in note.title and "会议室" in note.body
    assert [(m.phone, m.text) for m in sms_outbox] == [
        ("13800000021", "【社区矫正社会力量协同平台】您明天有一场课程安排，请登录平台查看。")
    ]
    text = sms_outbox[0].text
    assert world.group.code not in text and world.learner.display_name not in text
    assert tree.lesson.title not in text and "会议室" not in text
