"""Chat over the API: the inbox (rooms, direct and referral threads with unread counts), history
backwards and resume after an id, sending through the chat's own service (its send allowance,
the place re-checked, closed groups read-only), per role; and the chat socket opened with the
app's token, where a bad, logged-out or expired token is nobody."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from messaging import ratelimit, services
from messaging.models import Message
from portal.asgi import application
from tests import factories
from tests.api.conftest import TokenClient, counted_queries, login_token
from tests.messaging.referral_world import ALLOWED, build_referral_world

CHAT = "/api/v1/chat"


@pytest.fixture
def room(roles):
    return services.room_ensure(group=roles.group)


def say(conversation, sender, n=1, text="明天上午九点在司法所见面"):
    return [
        services.message_send(conversation_id=conversation.pk, sender=sender, body=f"{text}{i}")
        for i in range(n)
    ]


def messages_url(conversation):
    return f"{CHAT}/{conversation.pk}/messages"


@pytest.fixture(autouse=True)
def generous_allowance(monkeypatch):
    # Tests send many messages in a second; the allowance itself is tested below.
    monkeypatch.setattr(ratelimit, "SEND_LIMIT", 10_000)


# --- the inbox ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["learner", "volunteer", "partner"])
def test_members_find_the_group_room_with_its_unread_count(roles, room, token_client, who):
    say(room, roles.lead, 2)
    inbox = token_client(getattr(roles, who)).get(CHAT).json()
    assert inbox == [
        {
            "id": room.pk,
            "kind": "room",
            "title": f"小组 {roles.group.code}",
            "group": roles.group.code,
            "unread": 2,
            "last_id": Message.objects.latest("id").pk,
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["social_worker", "coordinator", "newcomer"])
def test_people_outside_the_group_have_no_conversations(roles, room, token_client, who):
    say(room, roles.lead)
    assert token_client(getattr(roles, who)).get(CHAT).json() == []


@pytest.mark.django_db
def test_anonymous_gets_401_and_sends_nothing(roles, room):
    assert TokenClient().get(CHAT).status_code == 401
    assert TokenClient().get(messages_url(room)).status_code == 401
    assert TokenClient().post_json(messages_url(room), {"body": "你好"}).status_code == 401
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_direct_thread_is_titled_with_the_other_person(roles, token_client):
    thread = services.direct_open(group=roles.group, user=roles.learner, other=roles.lead)
    inbox = token_client(roles.learner).get(CHAT).json()
    found = next(i for i in inbox if i["id"] == thread.pk)
    assert (found["kind"], found["title"]) == ("direct", f"张组长（小组 {roles.group.code}）")
    # The volunteer is not one of the two.
    assert all(i["id"] != thread.pk for i in token_client(roles.volunteer).get(CHAT).json())


@pytest.mark.django_db
def test_the_referral_thread_is_in_the_inbox_of_its_people_only(regions, reference_data):
    world = build_referral_world(regions)
    # The learner's slip password, replaced so the app can sign in like everyone else.
    world.learner.set_password(factories.PASSWORD)
    world.learner.save(update_fields=["password"])
    say(world.thread, world.lead)
    for who in ALLOWED:
        inbox = TokenClient(login_token(getattr(world, who).email)).get(CHAT).json()
        thread = next(i for i in inbox if i["id"] == world.thread.pk)
        assert thread["kind"] == "referral" and thread["title"]
        assert thread["unread"] == (0 if who == "lead" else 1)
    for who in ("learner", "group_volunteer", "other_partner", "coordinator"):
        inbox = TokenClient(login_token(getattr(world, who).email)).get(CHAT).json()
        assert all(i["id"] != world.thread.pk for i in inbox), who
        app = TokenClient(login_token(getattr(world, who).email))
        assert app.get(messages_url(world.thread)).status_code == 404
        assert app.post_json(messages_url(world.thread), {"body": "我也想看"}).status_code == 404
    assert Message.objects.filter(body="我也想看").count() == 0


@pytest.mark.django_db
def test_the_inbox_costs_the_same_queries_for_1_and_5_conversations(
    roles, room, token_client, regions
):
    from groups import services as group_services
    from groups.models import Membership
    from tests.groups.conftest import group_data

    app = token_client(roles.lead)
    say(room, roles.volunteer)
    # A direct thread costs one query more, whatever their number: one in both measures.
    services.direct_open(group=roles.group, user=roles.lead, other=roles.volunteer)
    small = counted_queries(lambda: app.get(CHAT))
    for _ in range(4):
        group = group_services.group_create(data=group_data(regions), created_by=roles.coordinator)
        Membership.objects.create(group=group, user=roles.lead, role=Membership.Role.LEAD)
        say(services.room_ensure(group=group), roles.lead, 2)
    services.direct_open(group=roles.group, user=roles.lead, other=roles.partner)
    larger = counted_queries(lambda: app.get(CHAT))
    assert larger == small
    assert len(app.get(CHAT).json()) == 7


# --- history and resume ---------------------------------------------------------------------


@pytest.mark.django_db
def test_history_pages_backwards_and_resumes_after_an_id(roles, room, token_client):
    sent = say(room, roles.lead, 60)
    app = token_client(roles.volunteer)
    latest = app.get(messages_url(room)).json()
    assert [m["id"] for m in latest["items"]] == [m.pk for m in sent[10:]]
    assert latest["older"] == sent[10].pk and latest["can_post"] is True
    assert latest["items"][-1]["sender"] == {"id": roles.lead.pk, "name": "张组长"}
    earlier = app.get(messages_url(room), {"before": latest["older"]}).json()
    assert [m["id"] for m in earlier["items"]] == [m.pk for m in sent[:10]]
    assert earlier["older"] is None
    after = app.get(messages_url(room), {"after": sent[57].pk}).json()
    assert [m["id"] for m in after["items"]] == [sent[58].pk, sent[59].pk]
    assert after["more"] is False and after["older"] is None
    # Opening the latest page read it, as the chat page does.
    assert app.get(CHAT).json()[0]["unread"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["social_worker", "coordinator", "newcomer"])
def test_outsiders_get_404_for_history(roles, room, token_client, who):
    say(room, roles.lead)
    assert token_client(getattr(roles, who)).get(messages_url(room)).status_code == 404


@pytest.mark.django_db
def test_unknown_and_malformed_ids(roles, room, token_client):
    app = token_client(roles.volunteer)
    assert app.get(f"{CHAT}/999999/messages").status_code == 404
    assert app.get(messages_url(room), {"before": "昨天"}).status_code == 422
    both = app.get(messages_url(room), {"before": 5, "after": 1})
    assert both.status_code == 400
    assert both.json()["detail"] == "请只指定一个位置：某条消息之前或之后。"


@pytest.mark.django_db
def test_history_costs_the_same_queries_for_5_and_50_messages(roles, room, token_client):
    app = token_client(roles.volunteer)
    first = say(room, roles.lead, 5)
    small = counted_queries(lambda: app.get(messages_url(room), {"after": first[0].pk}))
    say(room, roles.lead, 45)
    larger = counted_queries(lambda: app.get(messages_url(room), {"after": first[0].pk}))
    assert larger == small


# --- sending --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["learner", "volunteer", "lead", "partner"])
def test_members_send_to_the_room(roles, room, token_client, who):
    user = getattr(roles, who)
    response = token_client(user).post_json(
        messages_url(room), {"body": "收到，我会准时到", "client_id": "a1"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Message.objects.get()
    assert (body["id"], body["body"]) == (stored.pk, "收到，我会准时到")
    assert body["sender"]["id"] == user.pk
    assert stored.sender == user


@pytest.mark.django_db
def test_the_same_client_id_is_stored_once(roles, room, token_client):
    app = token_client(roles.volunteer)
    first = app.post_json(messages_url(room), {"body": "你好", "client_id": "once"}).json()
    again = app.post_json(messages_url(room), {"body": "你好", "client_id": "once"}).json()
    assert first["id"] == again["id"] and Message.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["social_worker", "coordinator", "newcomer"])
def test_outsiders_may_not_send(roles, room, token_client, who):
    response = token_client(getattr(roles, who)).post_json(messages_url(room), {"body": "插话"})
    assert response.status_code == 404
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_closed_groups_room_is_read_only(roles, room, token_client):
    from groups import services as group_services

    group_services.group_close(group=roles.group, closed_by=roles.coordinator, reason="released")
    # The lead keeps the history; volunteers' and partners' places ended with the group.
    assert token_client(roles.volunteer).get(messages_url(room)).status_code == 404
    app = token_client(roles.lead)
    assert app.get(messages_url(room)).json()["can_post"] is False
    response = app.post_json(messages_url(room), {"body": "还在吗"})
    assert response.status_code == 400
    assert response.json()["detail"] == "该小组已结束，其会话为只读。"
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": "   "}, 400),
        ({"body": "长" * 2001}, 422),
        ({"body": "你好", "reply_to": 0}, 422),
        ({"body": "你好", "reply_to": 999999}, 400),
        ({}, 422),
    ],
)
def test_bad_input_changes_nothing(roles, room, token_client, payload, status):
    response = token_client(roles.volunteer).post_json(messages_url(room), payload)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if status == 400:
        assert response.json()["errors"]
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_sending_too_fast_is_429_with_the_chats_message(roles, room, token_client, monkeypatch):
    monkeypatch.setattr(ratelimit, "SEND_LIMIT", 2)
    app = token_client(roles.volunteer)
    codes = [app.post_json(messages_url(room), {"body": f"第{n}条"}).status_code for n in range(4)]
    assert codes[:2] == [201, 201] and codes[-1] == 429
    refused = app.post_json(messages_url(room), {"body": "再发一条"})
    assert refused.json()["detail"] == "发送过于频繁，请稍等几秒再试。"
    assert Message.objects.count() == 2


# --- the socket with the app's token ---------------------------------------------------------


async def open_with(path, *, token=None, protocol=None, origin=None):
    headers = [(b"origin", origin.encode())] if origin else []
    if token is not None and protocol is None:
        path += f"?token={token}"
    socket = WebsocketCommunicator(
        application,
        path,
        headers=headers,
        subprotocols=[f"session-token.{protocol}"] if protocol else None,
    )
    connected, accepted = await socket.connect()
    assert connected
    return socket, accepted


async def assert_refused(socket):
    assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_a_socket_opened_with_the_token_chats_as_its_user(roles):
    room = await sync_to_async(services.room_ensure)(group=roles.group)
    token = await sync_to_async(login_token)(roles.volunteer.email)
    # A phone app sends no Origin: the token, not an ambient cookie, says who this is.
    socket, _ = await open_with(f"/ws/chat/{room.pk}/", token=token)
    hello = await socket.receive_json_from(timeout=3)
    assert hello["type"] == "hello"
    assert hello["user"] == {"id": roles.volunteer.pk, "name": "王志愿"}
    await socket.send_json_to({"type": "message.send", "body": "我到了", "client_id": "s1"})
    while (frame := await socket.receive_json_from(timeout=3))["type"] != "message.ack":
        pass
    stored = await sync_to_async(Message.objects.get)(pk=frame["id"])
    assert stored.sender_id == roles.volunteer.pk
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_the_token_as_a_subprotocol_is_answered_with_it(roles):
    room = await sync_to_async(services.room_ensure)(group=roles.group)
    token = await sync_to_async(login_token)(roles.learner.email)
    socket, accepted = await open_with(f"/ws/chat/{room.pk}/", protocol=token)
    assert accepted == f"session-token.{token}"
    assert (await socket.receive_json_from(timeout=3))["user"]["id"] == roles.learner.pk
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_a_token_of_someone_outside_is_refused(roles):
    room = await sync_to_async(services.room_ensure)(group=roles.group)
    token = await sync_to_async(login_token)(roles.social_worker.email)
    socket, _ = await open_with(f"/ws/chat/{room.pk}/", token=token)
    await assert_refused(socket)


def _log_out(token):
    assert TokenClient(token).delete("/_allauth/app/v1/auth/session").status_code == 401


def _expire(token):
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=token).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
@pytest.mark.parametrize("spoil", ["forged", "logged_out", "expired"])
async def test_a_bad_logged_out_or_expired_token_is_nobody(roles, spoil):
    from tests.messaging.conftest import session_cookie

    room = await sync_to_async(services.room_ensure)(group=roles.group)
    token = await sync_to_async(login_token)(roles.volunteer.email)
    if spoil == "forged":
        token = "x" * 32
    elif spoil == "logged_out":
        await sync_to_async(_log_out)(token)
    else:
        await sync_to_async(_expire)(token)
    socket, _ = await open_with(f"/ws/chat/{room.pk}/", token=token)
    await assert_refused(socket)
    # Nor does a valid browser cookie next to a bad token let it in: a token socket never
    # reads the cookie.
    cookie = await sync_to_async(session_cookie)(roles.volunteer)
    socket = WebsocketCommunicator(
        application,
        f"/ws/chat/{room.pk}/?token={token}",
        headers=[(b"origin", b"http://testserver"), (b"cookie", cookie.encode())],
    )
    assert (await socket.connect())[0]
    await assert_refused(socket)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_without_a_token_the_browser_rules_stay(roles):
    """No token and no Origin: refused at the handshake, as before."""
    room = await sync_to_async(services.room_ensure)(group=roles.group)
    socket = WebsocketCommunicator(application, f"/ws/chat/{room.pk}/")
    connected, _ = await socket.connect()
    assert not connected
