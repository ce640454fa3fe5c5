"""Pages of messaging: who may open what (others get 404), sending with attachments, edit and
delete windows, moderation, notifications and the navigation badge."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from messaging import ratelimit, services, tasks
from messaging.models import Message, MessageReport, Notification, NotificationSetting
from messaging.views import PAGE_SIZE
from portal.models import AuditEvent

ALLOWED, HIDDEN, LOGIN = 200, 404, 302
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PEOPLE = {
    "lead": ALLOWED,
    "social_worker": ALLOWED,
    "volunteer": ALLOWED,
    "partner": ALLOWED,
    "learner": ALLOWED,
    "outsider": HIDDEN,
    "coordinator": HIDDEN,
    "other_coordinator": HIDDEN,
    "anonymous": LOGIN,
}


def say(world, user, body="今天的走访顺利完成", **kwargs):
    return services.message_send(conversation_id=world.room.pk, sender=user, body=body, **kwargs)


@pytest.mark.parametrize(("person", "status"), PEOPLE.items())
def test_who_may_open_the_room(world, client_for, person, status):
    response = client_for(getattr(world, person)).get(
        reverse("messaging:conversation", args=[world.room.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("person", "status"), PEOPLE.items())
def test_who_may_open_an_attachment(world, client_for, person, status):
    message = say(
        world, world.volunteer, attachment=SimpleUploadedFile("走访照片.png", PNG, "image/png")
    )
    response = client_for(getattr(world, person)).get(
        reverse("messaging:attachment", args=[message.pk])
    )
    assert response.status_code == status
    if status == ALLOWED:
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == PNG


def test_the_room_page_escapes_html_and_makes_links_safe(world, client_for):
    say(world, world.volunteer, "<img src=x onerror=alert(1)> 指南 https://12348.gov.cn/")
    page = client_for(world.lead).get(reverse("messaging:conversation", args=[world.room.pk]))
    html = page.content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<a href="https://12348.gov.cn/" rel="nofollow">' in html


def test_a_group_member_opens_the_room_from_the_groups_code(world, client_for):
    response = client_for(world.partner).get(
        reverse("messaging:group_room", args=[world.group.code])
    )
    assert response.url == reverse("messaging:conversation", args=[world.room.pk])
    assert (
        client_for(world.outsider)
        .get(reverse("messaging:group_room", args=[world.group.code]))
        .status_code
        == HIDDEN
    )


def test_sending_a_pdf_by_form(world, client_for):
    response = client_for(world.social_worker).post(
        reverse("messaging:send", args=[world.room.pk]),
        {"body": "矫正方案", "attachment": SimpleUploadedFile("方案.pdf", PDF, "application/pdf")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    message = Message.objects.get(pk=response.json()["id"])
    assert message.attachment_type == "application/pdf" and message.attachment_name == "方案.pdf"
    assert "方案" not in message.attachment.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("照片.png", b"<html>not an image</html>", "PDF"),
        ("脚本.pdf", b"#!/bin/sh\nrm -rf /\n", "PDF"),
        ("大图.png", PNG + b"\x00" * (5 * 1024 * 1024), "5 MB"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_stored(
    world, client_for, settings, name, content, error
):
    settings.LANGUAGE_CODE = "en"
    response = client_for(world.volunteer).post(
        reverse("messaging:send", args=[world.room.pk]),
        {"body": "附件", "attachment": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert error in " ".join(response.json()["errors"])
    assert Message.objects.count() == 0


def test_the_form_path_is_rate_limited_like_the_socket(world, client_for):
    client = client_for(world.volunteer)
    statuses = [
        client.post(
            reverse("messaging:send", args=[world.room.pk]),
            {"body": f"刷屏{n}"},
            HTTP_ACCEPT="application/json",
        )
        for n in range(ratelimit.SEND_LIMIT + 3)
    ]
    refused = [r for r in statuses if r.status_code == 400]
    assert len(refused) >= 3
    assert "发送过于频繁" in refused[-1].json()["errors"][0]
    assert Message.objects.filter(sender=world.volunteer).count() <= ratelimit.SEND_LIMIT
    # The allowance is the sender's own: others in the room still get through.
    assert say(world, world.lead, "收到") is not None


def test_the_send_service_itself_keeps_the_allowance(world):
    for n in range(ratelimit.SEND_LIMIT):
        say(world, world.volunteer, f"消息{n}")
    with pytest.raises(ValidationError) as refused:
        say(world, world.volunteer, "再来一条")
    assert refused.value.code == "rate_limited"


def test_an_outsider_cannot_post_into_the_room(world, client_for):
    response = client_for(world.outsider).post(
        reverse("messaging:send", args=[world.room.pk]), {"body": "你好"}
    )
    assert response.status_code == HIDDEN
    assert Message.objects.count() == 0


def test_editing_within_fifteen_minutes_is_audited_and_later_refused(world, client_for):
    message = say(world, world.volunteer, "周三见")
    client = client_for(world.volunteer)
    client.post(reverse("messaging:edit", args=[message.pk]), {"body": "周四见"})
    message.refresh_from_db()
    assert message.body == "周四见" and message.edited_at
    audit = AuditEvent.objects.get(action="message.edited")
    assert audit.data["before"] == "周三见" and audit.actor == world.volunteer

    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = client.post(reverse("messaging:edit", args=[message.pk]), {"body": "周五见"})
    assert response.status_code == 200  # the form again, with the error
    message.refresh_from_db()
    assert message.body == "周四见"
    # Someone else's message: 404.
    assert (
        client_for(world.lead)
        .post(reverse("messaging:edit", args=[message.pk]), {"body": "改"})
        .status_code
        == HIDDEN
    )


def test_deleting_keeps_the_text_in_the_audit_trail_only(world, client_for):
    message = say(world, world.volunteer, "发错群了")
    client_for(world.volunteer).post(reverse("messaging:delete", args=[message.pk]))
    message.refresh_from_db()
    assert message.deleted_at and message.body == ""
    assert AuditEvent.objects.get(action="message.deleted").data["body"] == "发错群了"


def test_report_then_hide_by_the_lead_is_audited(world, client_for):
    message = say(world, world.partner, "加我微信私聊工作机会")
    response = client_for(world.volunteer).post(
        reverse("messaging:report", args=[message.pk]), {"reason": "引导私下联系"}
    )
    assert response.status_code == 302
    assert MessageReport.objects.get().reporter == world.volunteer
    assert Notification.objects.get(kind="message.reported").user == world.lead

    assert client_for(world.volunteer).get(reverse("messaging:reports")).status_code == HIDDEN
    assert (
        client_for(world.other_coordinator)
        .post(reverse("messaging:hide", args=[message.pk]))
        .status_code
        == HIDDEN
    )
    page = client_for(world.lead).get(reverse("messaging:reports"))
    assert "加我微信私聊工作机会" in page.content.decode()
    client_for(world.lead).post(reverse("messaging:hide", args=[message.pk]), {"reason": "违规"})
    message.refresh_from_db()
    assert message.hidden_by == world.lead
    assert MessageReport.objects.get().resolved_at
    hidden = AuditEvent.objects.get(action="message.hidden")
    assert "body" not in hidden.data and hidden.data["reason"] == "违规"
    room = client_for(world.volunteer).get(reverse("messaging:conversation", args=[world.room.pk]))
    assert "加我微信私聊工作机会" not in room.content.decode()


def test_the_coordinator_of_the_region_sees_reports_too(world, client_for):
    message = say(world, world.partner, "不当言论")
    services.message_report(message=message, reporter=world.lead, reason="不当")
    assert (
        "不当言论"
        in client_for(world.coordinator).get(reverse("messaging:reports")).content.decode()
    )


def test_the_navigation_shows_unread_messages_in_one_query(
    world, client_for, django_assert_max_num_queries
):
    from messaging.nav import items

    say(world, world.volunteer, "第一条")
    say(world, world.volunteer, "第二条")
    label, _url = items(world.lead, set())[0]
    assert "2" in str(label)
    again = type(world.lead).objects.get(pk=world.lead.pk)  # another request's user object
    with django_assert_max_num_queries(1):
        str(items(again, set())[0][0])
    with django_assert_max_num_queries(0):  # asked again in the same request: not counted again
        assert "2" in str(items(again, set())[0][0])
    client_for(world.lead).get(reverse("messaging:conversation", args=[world.room.pk]))
    # The next page is a new request with a user object of its own (the count is read once per
    # user object, i.e. per request).
    lead = type(world.lead).objects.get(pk=world.lead.pk)
    assert "2" not in str(items(lead, set())[0][0])
    # The sender has nothing unread.
    assert "2" not in str(items(world.volunteer, set())[0][0])


def test_each_person_counts_only_their_own_unread_messages(world):
    """One compiled statement serves everyone (messaging.selectors._unread_sql): each reader's
    count is their own, and an outsider's is none."""
    from messaging.selectors import unread_total

    say(world, world.volunteer, "第一条")
    say(world, world.volunteer, "第二条")
    say(world, world.partner, "第三条")
    fresh = type(world.lead).objects.get  # a user object per request: counted afresh
    assert unread_total(fresh(pk=world.lead.pk)) == 3
    assert unread_total(fresh(pk=world.volunteer.pk)) == 1
    assert unread_total(fresh(pk=world.partner.pk)) == 2
    assert unread_total(fresh(pk=world.outsider.pk)) == 0
    services.read_mark(conversation_id=world.room.pk, user=world.lead, last_id=say(
        world, world.partner, "第四条").pk)  # fmt: skip
    assert unread_total(fresh(pk=world.lead.pk)) == 0
    assert unread_total(fresh(pk=world.social_worker.pk)) == 4


@pytest.mark.parametrize("messages", [3, 60])
def test_the_inbox_and_room_take_the_same_queries_at_any_size(
    world, client_for, django_assert_max_num_queries, messages
):
    for n in range(messages):
        say(world, [world.volunteer, world.partner, world.social_worker][n % 3], f"消息{n}")
    client = client_for(world.lead)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("messaging:inbox")).status_code == 200
    with django_assert_max_num_queries(22):
        assert (
            client.get(reverse("messaging:conversation", args=[world.room.pk])).status_code == 200
        )


def test_notifications_page_open_and_read_all(world, client_for):
    services.notify(
        recipients=[world.volunteer], kind="vetting.decision", title="审核已通过", url="/me/"
    )
    services.notify(recipients=[world.volunteer], kind="match.new", title="新的匹配建议")
    services.notify(recipients=[world.lead], kind="match.new", title="别人的通知")
    client = client_for(world.volunteer)
    page = client.get(reverse("messaging:notifications")).content.decode()
    assert "审核已通过" in page and "新的匹配建议" in page and "别人的通知" not in page
    first = Notification.objects.get(title="审核已通过")
    response = client.post(reverse("messaging:open", args=[first.pk]))
    assert response.url == "/me/"
    first.refresh_from_db()
    assert first.read_at
    other = Notification.objects.get(title="别人的通知")
    assert client.post(reverse("messaging:open", args=[other.pk])).status_code == HIDDEN
    client.post(reverse("messaging:read_all"))
    assert not Notification.objects.filter(user=world.volunteer, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert client_for(None).get(reverse("messaging:notifications")).status_code == LOGIN


def test_the_digest_delay_setting_refuses_unknown_values(world, client_for):
    client = client_for(world.volunteer)
    client.post(reverse("messaging:settings"), {"digest_delay": "15"})
    assert NotificationSetting.objects.get(user=world.volunteer).digest_delay == 15
    response = client.post(reverse("messaging:settings"), {"digest_delay": "7"})
    assert response.status_code == 200
    assert NotificationSetting.objects.get(user=world.volunteer).digest_delay == 15


def test_one_digest_mail_for_notifications_unread_past_the_delay(
    world, django_capture_on_commit_callbacks
):
    old = timezone.now() - timedelta(minutes=90)
    for title in ("审核已通过", "新的匹配建议", "课程已分配"):
        services.notify(
            recipients=[world.volunteer, world.partner, world.lead], kind="x", title=title
        )
    Notification.objects.update(created_at=old)
    services.notification_setting_update(user=world.partner, digest_delay=0)  # never
    services.notification_setting_update(user=world.lead, digest_delay=1440)  # not yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.digests_sweep() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.volunteer.email]
    for title in ("审核已通过", "新的匹配建议", "课程已分配"):
        assert title in mail.outbox[0].body
    # Idempotent: the next sweep finds nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.digests_sweep() == 0
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(user=world.volunteer, emailed_at__isnull=True).exists()


def test_people_away_get_one_notification_per_conversation_not_per_message(world):
    first = say(world, world.volunteer, "第一条")
    assert tasks.notify_away(first.pk) == 4  # lead, social worker, partner, learner
    second = say(world, world.volunteer, "第二条")
    assert tasks.notify_away(second.pk) == 0
    assert Notification.objects.filter(kind="message.new", user=world.lead).count() == 1
    # Reading the room marks its notification read; the next message notifies again.
    services.read_mark(conversation_id=world.room.pk, user=world.lead, last_id=second.pk)
    assert not Notification.objects.filter(
        kind="message.new", user=world.lead, read_at=None
    ).exists()
    third = say(world, world.volunteer, "第三条")
    assert tasks.notify_away(third.pk) == 1


def test_read_by_is_for_the_lead_only_in_a_room(world, client_for):
    message = say(world, world.social_worker, "请确认已读")
    services.read_mark(conversation_id=world.room.pk, user=world.volunteer, last_id=message.pk)
    response = client_for(world.lead).get(reverse("messaging:read_by", args=[message.pk]))
    assert response.json()["read_by"] == ["王小红"]
    assert (
        client_for(world.volunteer).get(reverse("messaging:read_by", args=[message.pk])).status_code
        == HIDDEN
    )


def test_a_learner_gets_no_button_to_write_to_a_volunteer(world, client_for):
    page = client_for(world.learner).get(reverse("messaging:conversation", args=[world.room.pk]))
    html = page.content.decode()
    assert f'value="{world.lead.pk}"' in html and f'value="{world.volunteer.pk}"' not in html
    response = client_for(world.learner).post(
        reverse("messaging:direct", args=[world.group.code]), {"user": world.volunteer.pk}
    )
    assert response.status_code == 302
    assert not world.group.conversations.filter(kind="direct").exists()


def test_a_closed_groups_room_is_read_only(world, client_for):
    from groups import services as group_services

    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    page = client_for(world.lead).get(reverse("messaging:conversation", args=[world.room.pk]))
    assert page.status_code == 200 and 'id="chat-form"' not in page.content.decode()
    client_for(world.lead).post(reverse("messaging:send", args=[world.room.pk]), {"body": "还在吗"})
    assert Message.objects.count() == 0
    # Volunteers' and partners' access ended with the group.
    assert (
        client_for(world.volunteer)
        .get(reverse("messaging:conversation", args=[world.room.pk]))
        .status_code
        == HIDDEN
    )


def test_the_inbox_drops_a_direct_thread_once_the_other_person_leaves(world, client_for):
    from groups import services as group_services
    from groups.models import Membership

    thread = services.direct_open(group=world.group, user=world.volunteer, other=world.lead)
    services.message_send(conversation_id=thread.pk, sender=world.lead, body="有空来一趟")
    page = client_for(world.volunteer).get(reverse("messaging:inbox")).content.decode()
    assert reverse("messaging:conversation", args=[thread.pk]) in page
    assert "1 条未读" in page
    membership = Membership.objects.get(user=world.volunteer, group=world.group, left_at=None)
    group_services.member_remove(membership=membership, removed_by=world.coordinator)
    page = client_for(world.volunteer).get(reverse("messaging:inbox")).content.decode()
    assert reverse("messaging:conversation", args=[thread.pk]) not in page
    assert (
        client_for(world.volunteer)
        .get(reverse("messaging:conversation", args=[thread.pk]))
        .status_code
        == HIDDEN
    )


def test_the_notification_pages_keep_the_rest_of_the_address(world, client_for):
    """Paging keeps whatever else the address holds (the shared pagination partial), so a
    filter or a link's marker is not lost on page 2."""
    for n in range(PAGE_SIZE + 5):
        services.notify(recipients=[world.volunteer], kind="x", title=f"第{n}条通知")
    page = client_for(world.volunteer).get(
        reverse("messaging:notifications"), {"page": 2, "from": "digest"}
    )
    (nav,) = re.findall(r'<nav class="pagination".*?</nav>', page.content.decode(), re.S)
    (back,) = re.findall(r'href="([^"]*)"', nav)  # page 2 of 2: only "Previous"
    assert parse_qs(urlsplit(html.unescape(back)).query) == {"from": ["digest"], "page": ["1"]}
