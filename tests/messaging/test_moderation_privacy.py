"""Private words stay private: the audit log names what was touched by kind and id only, and a
moderator hides only messages they may read (so hiding is never a way to read a direct thread).
"""

from django.urls import reverse
from django.utils import translation

from messaging import services
from messaging.models import Message
from portal.models import AuditEvent

SECRET = "我下周三要去医院复查，别告诉别人"


def direct_message(world, body=SECRET) -> Message:
    thread = services.direct_open(
        group=world.group, user=world.volunteer, other=world.social_worker
    )
    return services.message_send(conversation_id=thread.pk, sender=world.volunteer, body=body)


def test_the_audit_log_never_shows_a_message_s_words(world, client_for):
    message = direct_message(world)
    services.message_edit(message_id=message.pk, user=world.volunteer, body="改过的私信")
    row = AuditEvent.objects.get(action="message.edited")
    with translation.override("zh-hans"):
        assert row.object_repr == f"{Message._meta.verbose_name} #{message.pk}"
    page = client_for(world.coordinator).get(reverse("portal:audit_log")).content.decode()
    assert row.object_repr in page
    assert SECRET[:10] not in page and "改过的私信" not in page


def test_the_audit_log_names_people_by_kind_and_id(world):
    row = AuditEvent.objects.filter(action="group.member_added").first()
    assert row.object_repr.endswith(f" #{row.object_id}")
    assert "王小红" not in "".join(AuditEvent.objects.values_list("object_repr", flat=True))


def test_a_coordinator_or_lead_cannot_hide_a_direct_message_they_cannot_read(world, client_for):
    message = direct_message(world)
    for moderator in (world.coordinator, world.lead):
        response = client_for(moderator).post(reverse("messaging:hide", args=[message.pk]))
        assert response.status_code == 404
    message.refresh_from_db()
    assert message.hidden_at is None
    assert not AuditEvent.objects.filter(action="message.hidden").exists()


def test_a_reported_direct_message_may_be_hidden_and_its_words_stay_out_of_the_log(
    world, client_for
):
    message = direct_message(world, body="加我微信私聊工作机会")
    reported = client_for(world.social_worker).post(
        reverse("messaging:report", args=[message.pk]), {"reason": "引导私下联系"}
    )
    assert reported.status_code == 302
    client_for(world.lead).post(reverse("messaging:hide", args=[message.pk]), {"reason": "违规"})
    message.refresh_from_db()
    assert message.hidden_by == world.lead
    row = AuditEvent.objects.get(action="message.hidden")
    assert "body" not in row.data and "加我微信" not in row.object_repr


def test_the_group_room_is_still_moderated_by_its_lead(world, client_for):
    message = services.message_send(
        conversation_id=world.room.pk, sender=world.partner, body="广告"
    )
    client_for(world.lead).post(reverse("messaging:hide", args=[message.pk]))
    message.refresh_from_db()
    assert message.hidden_by == world.lead
