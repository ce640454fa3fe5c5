"""Each message.new names the conversation's message before it (prev_id), so a socket that
missed a broadcast (dropped by a channel layer that fell behind, or lost with Redis) sees the
gap and resumes to fetch it."""

import pytest
from asgiref.sync import sync_to_async

from messaging import services
from messaging.models import Message
from tests.messaging.conftest import next_frame, open_chat

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_broadcast_names_the_message_before_it_in_its_conversation(world):
    socket = await open_chat(world.lead, world.room.pk)
    first = await sync_to_async(services.message_send)(
        conversation_id=world.room.pk, sender=world.volunteer, body="第一条"
    )
    assert (await next_frame(socket, "message.new"))["prev_id"] == 0
    # A message in another conversation does not count; one never broadcast (written without
    # the service) does.
    thread = await sync_to_async(services.direct_open)(
        group=world.group, user=world.volunteer, other=world.lead
    )
    await sync_to_async(services.message_send)(
        conversation_id=thread.pk, sender=world.volunteer, body="私信"
    )
    silent = await sync_to_async(Message.objects.create)(
        conversation=world.room, sender=world.volunteer, body="没有广播的消息"
    )
    await sync_to_async(services.message_send)(
        conversation_id=world.room.pk, sender=world.social_worker, body="第三条"
    )
    frame = await next_frame(socket, "message.new")
    assert frame["message"]["body"] == "第三条"
    assert frame["prev_id"] == silent.pk != first.pk
    await socket.disconnect()
