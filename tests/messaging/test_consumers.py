"""/ws/chat/<id>/ through the real ASGI stack with WebsocketCommunicator (in-memory layer, or
Redis with REDIS_URL): who may connect, save before broadcast, resume, bad frames, flood,
membership ending while the socket is open."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError

from groups import services as group_services
from groups.models import CorrectionGroup, Membership
from messaging import ratelimit, services
from messaging.broadcast import room_group
from messaging.models import Conversation, Message, Notification
from portal.events import user_group
from tests.messaging.conftest import next_frame, open_chat
from tests.sockets import channel_groups

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_groups_left_empty"),
]
db = sync_to_async


async def assert_forbidden(socket):
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


@pytest.mark.parametrize("person", ["anonymous", "outsider", "coordinator", "other_coordinator"])
async def test_people_outside_the_group_are_closed_with_4403(world, person):
    socket = await open_chat(getattr(world, person), world.room.pk, expect_hello=False)
    await assert_forbidden(socket)


@pytest.mark.parametrize("path_id", ["999999", "abc", "-1"])
async def test_an_unknown_conversation_is_closed_with_4403(world, path_id):
    socket = await open_chat(world.volunteer, path_id, expect_hello=False)
    await assert_forbidden(socket)


async def test_a_message_is_stored_before_every_member_receives_it(world):
    sender = await open_chat(world.volunteer, world.room.pk)
    receiver = await open_chat(world.lead, world.room.pk)
    await sender.send_json_to(
        {"type": "message.send", "body": "明天上午九点在司法所见面", "client_id": "c1"}
    )

    ack = await next_frame(sender, "message.ack")
    assert ack["client_id"] == "c1"
    stored = await db(Message.objects.get)(pk=ack["id"])
    assert (stored.body, stored.sender_id) == ("明天上午九点在司法所见面", world.volunteer.pk)
    for socket in (sender, receiver):
        frame = await next_frame(socket, "message.new")
        assert frame["message"]["id"] == stored.pk
        assert frame["message"]["sender"] == {"id": world.volunteer.pk, "name": "王小红"}
        json.dumps(frame)
    for socket in (sender, receiver):
        await socket.disconnect()


async def test_closed_sockets_leave_the_room_and_their_users_groups(world, settings):
    # The layer whose groups can be read, also in a run on Redis.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    volunteer = await open_chat(world.volunteer, world.room.pk)
    lead = await open_chat(world.lead, world.room.pk)
    room = room_group(world.room.pk)
    users = {user_group(world.volunteer.pk), user_group(world.lead.pk)}
    assert set(channel_groups()) == {room, *users} and len(channel_groups()[room]) == 2

    await volunteer.disconnect()
    assert set(channel_groups()) == {room, user_group(world.lead.pk)}
    await lead.disconnect()
    assert channel_groups() == {}


async def test_ids_increase_in_the_order_messages_are_sent(world):
    sender = await open_chat(world.volunteer, world.room.pk)
    ids = []
    for n in range(5):
        await sender.send_json_to({"type": "message.send", "body": f"第{n}条"})
        ids.append((await next_frame(sender, "message.ack"))["id"])
    assert ids == sorted(ids) and len(set(ids)) == 5
    await sender.disconnect()


async def test_a_forged_sender_is_ignored(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to(
        {
            "type": "message.send",
            "body": "冒名",
            "sender": world.lead.pk,
            "sender_id": world.lead.pk,
        }
    )
    ack = await next_frame(socket, "message.ack")
    assert (await db(Message.objects.get)(pk=ack["id"])).sender_id == world.volunteer.pk
    await socket.disconnect()


async def test_html_in_a_message_is_stored_as_text_and_never_becomes_markup(world):
    from messaging.presentation import body_html

    socket = await open_chat(world.volunteer, world.room.pk)
    body = '<script>alert("x")</script> 见 https://12348.gov.cn/法律援助 和 javascript:alert(1)'
    await socket.send_json_to({"type": "message.send", "body": body})
    frame = await next_frame(socket, "message.new")
    assert frame["message"]["body"] == body  # the client sets it with textContent
    html = body_html(body)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://12348.gov.cn/' in html and 'rel="nofollow"' in html
    assert 'href="javascript' not in html
    await socket.disconnect()


BAD_FRAMES = [
    ("text", "这不是 JSON", "bad_frame"),
    ("text", "[1, 2]", "bad_frame"),
    ("text", '{"body": "没有类型"}', "bad_frame"),
    ("text", '{"type": "message.launch"}', "unknown_type"),
    ("bytes", b"\x00\x01binary", "bad_frame"),
    ("text", json.dumps({"type": "message.send", "body": "长" * 600_000}), "too_large"),
    ("text", json.dumps({"type": "message.send", "body": "长" * 2001}), "invalid"),
    ("text", json.dumps({"type": "message.send", "body": "   "}), "invalid"),
    ("text", json.dumps({"type": "message.send", "body": ["列表"]}), "invalid"),
    ("text", json.dumps({"type": "message.send", "body": "回复", "reply_to": "1"}), "invalid"),
    ("text", json.dumps({"type": "message.send", "body": "回复", "reply_to": 99999}), "invalid"),
    ("text", json.dumps({"type": "read", "last_id": True}), "invalid"),
    ("text", json.dumps({"type": "resume", "last_id": -5}), "invalid"),
    ("text", json.dumps({"type": "message.edit", "id": 99999, "body": "改"}), "not_yours"),
]


@pytest.mark.parametrize(("kind", "frame", "code"), BAD_FRAMES)
async def test_bad_frames_get_an_error_frame_and_the_socket_keeps_working(world, kind, frame, code):
    socket = await open_chat(world.volunteer, world.room.pk)
    if kind == "text":
        await socket.send_to(text_data=frame)
    else:
        await socket.send_to(bytes_data=frame)
    error = await next_frame(socket, "error")
    assert error["code"] == code and error["message"]
    await socket.send_json_to({"type": "ping"})
    assert (await next_frame(socket, "pong"))["type"] == "pong"
    assert await db(Message.objects.count)() == 0
    await socket.disconnect()


async def test_a_flood_of_sends_is_cut_off_with_a_clear_error_frame(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    for n in range(ratelimit.SEND_LIMIT + 5):
        await socket.send_json_to({"type": "message.send", "body": f"刷屏{n}"})
    errors = acks = 0
    for _ in range(ratelimit.SEND_LIMIT + 5):
        frame = await next_frame(socket, "message.ack", "error")
        if frame["type"] == "error":
            assert frame["code"] == "rate_limited"
            errors += 1
        else:
            acks += 1
    assert acks <= ratelimit.SEND_LIMIT and errors >= 5
    assert await db(Message.objects.count)() == acks
    await socket.send_json_to({"type": "ping"})
    await next_frame(socket, "pong", "message.new")
    await socket.disconnect()


async def test_a_reconnecting_client_gets_everything_after_the_last_id_it_saw(world):
    reader = await open_chat(world.lead, world.room.pk)
    writer = await open_chat(world.volunteer, world.room.pk)
    await writer.send_json_to({"type": "message.send", "body": "第一条"})
    seen = (await next_frame(reader, "message.new"))["message"]["id"]
    await reader.disconnect()
    for body in ("第二条", "第三条", "第四条"):
        await writer.send_json_to({"type": "message.send", "body": body})
        await next_frame(writer, "message.ack")

    reader = await open_chat(world.lead, world.room.pk)
    await reader.send_json_to({"type": "resume", "last_id": seen})
    history = await next_frame(reader, "history")
    assert [m["body"] for m in history["messages"]] == ["第二条", "第三条", "第四条"]
    done = await next_frame(reader, "resume.done")
    assert done == {"type": "resume.done", "last_id": history["messages"][-1]["id"], "more": False}
    for socket in (reader, writer):
        await socket.disconnect()


async def test_a_removed_members_open_socket_is_closed_and_cannot_send(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    membership = await db(Membership.objects.get)(
        group=world.group, user=world.volunteer, left_at__isnull=True
    )
    await db(group_services.member_remove)(membership=membership, removed_by=world.coordinator)
    error = await next_frame(socket, "error")
    assert error["code"] == "forbidden"
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()
    again = await open_chat(world.volunteer, world.room.pk, expect_hello=False)
    await assert_forbidden(again)
    assert await db(Message.objects.count)() == 0


async def test_closing_the_group_makes_the_room_read_only(world):
    lead = await open_chat(world.lead, world.room.pk)
    volunteer = await open_chat(world.volunteer, world.room.pk)
    await db(group_services.group_close)(
        group=world.group, reason=CorrectionGroup.ClosedReason.RELEASED, closed_by=world.coordinator
    )
    state = await next_frame(lead, "conversation.state")
    assert state == {"type": "conversation.state", "can_post": False}
    assert (await next_frame(volunteer, "error"))["code"] == "forbidden"
    await lead.send_json_to({"type": "message.send", "body": "解矫后还能发吗"})
    assert (await next_frame(lead, "error"))["code"] == "read_only"
    assert await db(Message.objects.count)() == 0
    await lead.disconnect()
    await volunteer.disconnect()


async def test_typing_reaches_the_others_and_presence_lists_who_is_here(world):
    first = await open_chat(world.volunteer, world.room.pk)
    presence = await next_frame(first, "presence")
    assert [p["name"] for p in presence["online"]] == ["王小红"]
    second = await open_chat(world.lead, world.room.pk)
    while True:
        presence = await first.receive_json_from(timeout=3)
        if presence["type"] == "presence" and len(presence["online"]) == 2:
            break
    assert {p["name"] for p in presence["online"]} == {"王小红", "刘芳"}
    await second.send_json_to({"type": "typing"})
    typing = await next_frame(first, "typing")
    assert typing["user"]["name"] == "刘芳"
    await second.disconnect()
    presence = await next_frame(first, "presence")
    assert [p["name"] for p in presence["online"]] == ["王小红"]
    await first.disconnect()


async def test_read_receipts_reach_the_lead_but_not_other_members(world):
    writer = await open_chat(world.social_worker, world.room.pk)
    lead = await open_chat(world.lead, world.room.pk)
    volunteer = await open_chat(world.volunteer, world.room.pk)
    await writer.send_json_to({"type": "message.send", "body": "请大家确认"})
    message_id = (await next_frame(writer, "message.ack"))["id"]
    await next_frame(volunteer, "message.new")
    await volunteer.send_json_to({"type": "read", "last_id": message_id})
    receipt = await next_frame(lead, "read", "message.new")
    while receipt["type"] != "read" or receipt["user"]["id"] != world.volunteer.pk:
        receipt = await next_frame(lead, "read", "message.new")
    assert receipt["last_id"] == message_id
    await writer.send_json_to({"type": "ping"})
    # The social worker (not the lead) got no receipt of the volunteer's reading.
    while (frame := await writer.receive_json_from(timeout=3))["type"] != "pong":
        assert not (frame["type"] == "read" and frame["user"]["id"] == world.volunteer.pk)
    for socket in (writer, lead, volunteer):
        await socket.disconnect()


async def test_a_learner_writes_directly_only_to_the_lead_and_social_workers(world):
    with pytest.raises(ValidationError):
        await db(services.direct_open)(group=world.group, user=world.learner, other=world.volunteer)
    thread = await db(services.direct_open)(group=world.group, user=world.learner, other=world.lead)
    learner = await open_chat(world.learner, thread.pk)
    await learner.send_json_to({"type": "message.send", "body": "刘老师，我下周要请假"})
    assert (await next_frame(learner, "message.new"))["message"]["body"] == "刘老师，我下周要请假"
    await learner.disconnect()
    for person in ("volunteer", "social_worker", "outsider"):
        socket = await open_chat(getattr(world, person), thread.pk, expect_hello=False)
        await assert_forbidden(socket)
    assert await db(Conversation.objects.filter(kind="direct").count)() == 1


async def test_edit_and_delete_within_fifteen_minutes_are_broadcast(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to({"type": "message.send", "body": "周五下午三点"})
    message_id = (await next_frame(socket, "message.ack"))["id"]
    await socket.send_json_to({"type": "message.edit", "id": message_id, "body": "周五下午四点"})
    updated = await next_frame(socket, "message.updated")
    assert updated["message"]["body"] == "周五下午四点" and updated["message"]["edited"]
    await socket.send_json_to({"type": "message.delete", "id": message_id})
    deleted = await next_frame(socket, "message.updated")
    assert deleted["message"]["state"] == "deleted" and deleted["message"]["body"] == ""
    await socket.disconnect()


async def test_a_mention_notifies_the_person_named(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to({"type": "message.send", "body": "@刘芳 请看一下报到安排"})
    await next_frame(socket, "message.ack")
    mention = await db(Notification.objects.get)(kind="message.mention")
    assert mention.user_id == world.lead.pk and "王小红" in mention.title
    await socket.disconnect()
