"""A message sent again under the same client_id (its acknowledgement was lost, the browser's
outbox resends it after reconnecting) is stored once: over the socket, over HTTP, through the
service, and when two sends race on PostgreSQL (the unique constraint decides, not a look-up)."""

import threading

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from groups import services as group_services
from groups.models import Membership
from messaging import ratelimit, services
from messaging.models import Message
from tests.messaging.conftest import next_frame, open_chat


def say(world, body="周五下午三点家访", *, client_id="", conversation=None, user=None):
    return services.message_send(
        conversation_id=(conversation or world.room).pk,
        sender=user or world.volunteer,
        body=body,
        client_id=client_id,
    )


def test_the_same_client_id_twice_stores_one_message_and_returns_it(world):
    first = say(world, client_id="a1b2c3")
    again = say(world, "周五下午三点家访", client_id="a1b2c3")
    assert again.pk == first.pk
    assert list(Message.objects.values_list("body", flat=True)) == ["周五下午三点家访"]


def test_a_resend_is_answered_even_when_the_send_allowance_is_used_up(world):
    stored = say(world, client_id="before-the-flood")
    for n in range(ratelimit.SEND_LIMIT):
        try:
            say(world, f"第{n}条")
        except ValidationError:
            break
    with pytest.raises(ValidationError) as refused:
        say(world, "再来一条")
    assert refused.value.code == "rate_limited"
    assert say(world, client_id="before-the-flood").pk == stored.pk


def test_a_resend_is_answered_after_the_sender_left_the_group(world):
    """Stored, then the sender was removed before the acknowledgement arrived: the resend gets
    the stored message back (its outbox clears), and a new message is refused."""
    stored = say(world, client_id="sent-before-leaving")
    membership = Membership.objects.get(group=world.group, user=world.volunteer, left_at=None)
    group_services.member_remove(membership=membership, removed_by=world.coordinator)
    assert say(world, client_id="sent-before-leaving").pk == stored.pk
    with pytest.raises(ValidationError) as refused:
        say(world, "离开后再发", client_id="sent-after-leaving")
    assert refused.value.code == "forbidden"
    assert list(Message.objects.values_list("pk", flat=True)) == [stored.pk]


def test_a_resend_is_answered_after_the_group_closed(world):
    """The lead stays in a closed group's room, which is read-only from then on."""
    stored = say(world, client_id="sent-before-closing", user=world.lead)
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    assert say(world, client_id="sent-before-closing", user=world.lead).pk == stored.pk
    with pytest.raises(ValidationError) as refused:
        say(world, "结案后再发", client_id="sent-after-closing", user=world.lead)
    assert refused.value.code == "read_only"
    assert Message.objects.count() == 1


def test_a_resend_does_not_announce_the_message_again(world, django_capture_on_commit_callbacks):
    say(world, client_id="announced-once")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        say(world, client_id="announced-once")
    assert callbacks == []


def test_without_a_client_id_two_sends_are_two_messages(world):
    say(world, "收到")
    say(world, "收到")
    assert Message.objects.filter(body="收到").count() == 2


def test_client_ids_belong_to_their_sender(world):
    mine = say(world, "我到了", client_id="same-id")
    theirs = say(world, "我也到了", client_id="same-id", user=world.lead)
    assert mine.pk != theirs.pk
    assert Message.objects.count() == 2


def test_a_client_id_used_in_another_conversation_is_refused(world):
    say(world, client_id="only-once")
    thread = services.direct_open(group=world.group, user=world.volunteer, other=world.lead)
    with pytest.raises(ValidationError):
        say(world, "私信", client_id="only-once", conversation=thread)
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
async def test_a_resend_over_the_socket_is_acknowledged_with_the_stored_message(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    frame = {"type": "message.send", "body": "明天九点司法所见", "client_id": "outbox-1"}
    await socket.send_json_to(frame)
    first = await next_frame(socket, "message.ack")
    await socket.disconnect()

    # The acknowledgement was lost with the connection: the outbox sends it again.
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to(frame)
    again = await next_frame(socket, "message.ack")
    assert again["id"] == first["id"] and again["client_id"] == "outbox-1"
    assert again["message"]["body"] == "明天九点司法所见"
    assert await sync_to_async(Message.objects.count)() == 1
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_refused_send_names_its_client_id(world):
    socket = await open_chat(world.volunteer, world.room.pk)
    await socket.send_json_to(
        {"type": "message.send", "body": "长" * 2001, "client_id": "too-long"}
    )
    error = await next_frame(socket, "error")
    assert error["client_id"] == "too-long" and "2000" in error["message"]
    await socket.disconnect()


def test_a_resend_over_http_returns_the_same_id(world, client_for):
    client = client_for(world.volunteer)
    url = reverse("messaging:send", args=[world.room.pk])
    data = {"body": "网络断了，再发一次", "client_id": "http-1"}
    first = client.post(url, data, HTTP_ACCEPT="application/json")
    again = client.post(url, data, HTTP_ACCEPT="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["message"]["body"] == "网络断了，再发一次"
    assert Message.objects.count() == 1


def test_a_rate_limited_http_send_says_so(world, client_for):
    client = client_for(world.volunteer)
    url = reverse("messaging:send", args=[world.room.pk])
    codes = {
        client.post(url, {"body": f"第{n}条"}, HTTP_ACCEPT="application/json").json().get("code")
        for n in range(ratelimit.SEND_LIMIT + 2)
    }
    assert "rate_limited" in codes


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_racing_with_one_client_id_store_one_message(world):
    """Two web processes get the same resend at the same moment (a browser that reconnected
    to both): both pass the look-up, one insert wins, the other reads the winner's row."""
    start = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            start.wait(timeout=10)
            results.append(say(world, "同时重发的消息", client_id="race-1").pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(results) == 2 and results[0] == results[1]
    assert Message.objects.filter(client_id="race-1").count() == 1
