"""The banner over the notification socket, through the real ASGI stack: a connected member
gets it the moment the alert commits, nobody else does; the browser's confirmations reach the
sender's board; a socket that (re)connects asks for what is still open. With REDIS_URL set this
runs on the Redis layer."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from alerts import services
from alerts.models import Recipient
from portal.asgi import application
from tests.alerts.conftest import send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("channel_groups_left_empty"),
]


async def open_socket(user):
    client = Client()
    await sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://testserver"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def next_of(socket, type_, timeout=3):
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == type_:
            return frame


async def test_a_connected_member_gets_the_banner_and_the_sender_sees_it_delivered(world):
    member = await open_socket(world.volunteer)
    learner = await open_socket(world.learner)
    stranger = await open_socket(world.yuexiu_volunteer)
    sender = await open_socket(world.coordinator)

    alert = await sync_to_async(send)(world)

    banner = await next_of(member, "alert.sent")
    assert banner["payload"]["alert"] == alert.pk
    assert banner["payload"]["drill"] is True
    assert "内涝" in banner["payload"]["message"]
    assert banner["payload"]["ack_url"] == f"/alerts/{alert.pk}/acknowledge/"
    assert await learner.receive_nothing(timeout=0.3)
    assert await stranger.receive_nothing(timeout=0.1)

    await member.send_json_to({"type": "alert.delivered", "alert": alert.pk, "seen": True})
    progress = await next_of(sender, "alert.progress")
    assert progress["payload"]["newly"] == ["delivered", "opened"]
    row = await Recipient.objects.aget(alert=alert, user=world.volunteer)
    assert row.delivered_at is not None and row.opened_at is not None

    await sync_to_async(services.recipient_acknowledge)(
        alert_id=alert.pk, user=world.volunteer, reply="已联系上"
    )
    done = await next_of(member, "alert.done")
    assert done["payload"]["alert"] == alert.pk
    progress = await next_of(sender, "alert.progress")
    assert progress["payload"]["newly"] == ["acknowledged"]
    assert progress["payload"]["reply"] == "已联系上"
    for socket in (member, learner, stranger, sender):
        await socket.disconnect()


async def test_a_socket_that_connects_later_asks_for_what_is_still_open(world):
    alert = await sync_to_async(send)(world)  # nobody online
    socket = await open_socket(world.tiannan_volunteer)
    await socket.send_json_to({"type": "alert.sync"})
    opened = await next_of(socket, "alert.open")
    assert [a["alert"] for a in opened["payload"]["alerts"]] == [alert.pk]
    await sync_to_async(services.recipient_acknowledge)(
        alert_id=alert.pk, user=world.tiannan_volunteer
    )
    await socket.send_json_to({"type": "alert.sync"})
    assert (await next_of(socket, "alert.open"))["payload"]["alerts"] == []
    await socket.disconnect()


async def test_frames_about_other_alerts_or_of_unknown_types_change_nothing(world):
    alert = await sync_to_async(send)(world)
    socket = await open_socket(world.yuexiu_volunteer)
    for frame in (
        {"type": "alert.delivered", "alert": alert.pk, "seen": True},  # not a recipient
        {"type": "alert.delivered", "alert": str(alert.pk)},
        {"type": "alert.opened", "alert": True},
    ):
        await socket.send_json_to(frame)
    await socket.send_json_to({"type": "alert.launch"})
    error = await next_of(socket, "error")
    assert error["code"] == "unknown_type"
    assert not await Recipient.objects.filter(delivered_at__isnull=False).aexists()
    await socket.disconnect()
