"""A referral's conversation (issue 16): the receiving organisation's members and the group's
lead and social workers, nobody else; the page shows the referral's shared facts and never the
learner; leaving the organisation or the group loses it at once, also on an open socket."""

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups import services as group_services
from groups.models import CorrectionGroup, Membership
from messaging import selectors, services
from messaging.models import Conversation, Message, Notification
from messaging.services.away import away_notify
from partners import services as partner_services
from partners.models import Referral
from tests.messaging.conftest import next_frame, open_chat
from tests.messaging.referral_world import (
    ALLOWED,
    LEARNER_NAME,
    REFUSED,
    build_referral_world,
    refer,
    thread_of,
)
from tests.partners import factories as partner_factories

db = sync_to_async


@pytest.fixture
def world(regions, reference_data):
    return build_referral_world(regions)


def say(world, user, body="您好，想约周三上午面试"):
    return services.message_send(conversation_id=world.thread.pk, sender=user, body=body)


def page(client, world):
    return client.get(reverse("messaging:conversation", args=[world.thread.pk]))


# -- who may read and write ------------------------------------------------------------------


def test_the_referral_has_one_conversation_about_its_group(world):
    assert world.thread.group == world.group and world.thread.subject_id == world.referral.pk
    again = services.subject_thread_ensure(
        kind=Conversation.Kind.REFERRAL, subject_id=world.referral.pk, group=world.group
    )
    assert again == world.thread
    assert Conversation.objects.filter(kind=Conversation.Kind.REFERRAL).count() == 1


@pytest.mark.parametrize("person", ALLOWED)
def test_both_sides_of_the_referral_read_and_write(world, client_for, person):
    user = getattr(world, person)
    say(world, world.lead if person != "lead" else world.member, "周三上午九点可以吗？")
    response = page(client_for(user), world)
    assert response.status_code == 200
    assert "周三上午九点可以吗？" in response.content.decode()
    sent = client_for(user).post(
        reverse("messaging:send", args=[world.thread.pk]), {"body": "好的，周三见"}
    )
    assert sent.status_code == 302
    assert Message.objects.filter(conversation=world.thread, sender=user, body="好的，周三见")


@pytest.mark.parametrize("person", REFUSED)
def test_nobody_else_reads_or_writes(world, client_for, person):
    user = getattr(world, person)
    say(world, world.member, "面试地址在天河路100号")
    assert selectors.chat_access(user, world.thread.pk) is None
    assert page(client_for(user), world).status_code == 404
    sent = client_for(user).post(
        reverse("messaging:send", args=[world.thread.pk]), {"body": "我也想说一句"}
    )
    assert sent.status_code == 404
    with pytest.raises(ValidationError):
        services.message_send(conversation_id=world.thread.pk, sender=user, body="我也想说一句")
    assert not Message.objects.filter(body="我也想说一句").exists()
    assert world.thread not in selectors.conversations_of(user)
    inbox = client_for(user).get(reverse("messaging:inbox")).content.decode()
    assert "面试地址" not in inbox and world.job.title not in inbox


def test_anonymous_is_sent_to_log_in(world, client_for):
    response = page(client_for(None), world)
    assert response.status_code == 302 and "login" in response.url


def test_the_page_shows_the_shared_facts_and_the_people_but_never_the_learner(world, client_for):
    say(world, world.social_worker, "学员周三上午有空")
    text = page(client_for(world.member), world).content.decode()
    for shown in (world.group.code, world.job.title, "职业技能培训", "工作日白天", "做过三年车工"):
        assert shown in text
    for person in ("刘芳", "陈静", "黄经理", "周助理"):  # lead, social worker, both members
        assert person in text
    assert LEARNER_NAME not in text and "王小红" not in text  # no learner, no volunteer
    assert f'data-member="{world.learner.pk}"' not in text
    # No way to write directly to a group member from here.
    assert reverse("messaging:direct", args=[world.group.code]) not in text


def test_the_organisation_links_back_to_the_referral_and_the_social_worker_does_not(
    world, client_for
):
    url = reverse("partners:referral", args=[world.referral.pk])
    assert url in page(client_for(world.member), world).content.decode()
    # The social worker does not see the referral's own page (only its lead does).
    assert url not in page(client_for(world.social_worker), world).content.decode()


# -- losing the thread ------------------------------------------------------------------------


def test_a_member_who_leaves_the_organisation_loses_the_thread(world, client_for):
    membership = world.member.partner_memberships.get(left_at__isnull=True)
    partner_services.member_leave(membership=membership, left_by=world.member)
    assert page(client_for(world.member), world).status_code == 404
    assert world.thread not in selectors.conversations_of(world.member)
    with pytest.raises(ValidationError):
        say(world, world.member)
    assert page(client_for(world.owner), world).status_code == 200


def test_a_social_worker_who_leaves_the_group_loses_the_thread(world, client_for):
    membership = Membership.objects.get(user=world.social_worker, left_at__isnull=True)
    group_services.member_remove(membership=membership, removed_by=world.coordinator)
    assert page(client_for(world.social_worker), world).status_code == 404
    assert world.thread not in selectors.conversations_of(world.social_worker)
    text = page(client_for(world.member), world).content.decode()
    # No longer listed among the people of the thread.
    assert f'data-member="{world.social_worker.pk}"' not in text


def test_a_closed_group_ends_the_organisations_access_and_leaves_the_lead_read_only(
    world, client_for
):
    say(world, world.member, "已安排面试")
    group_services.group_close(
        group=world.group, reason=CorrectionGroup.ClosedReason.RELEASED, closed_by=world.coordinator
    )
    assert page(client_for(world.member), world).status_code == 404
    response = page(client_for(world.lead), world)
    assert response.status_code == 200 and "已安排面试" in response.content.decode()
    assert not selectors.chat_access(world.lead, world.thread.pk).can_post
    with pytest.raises(ValidationError):
        say(world, world.lead, "还有问题吗")


def test_a_withdrawn_referral_leaves_its_thread_read_only_with_the_reason(world, client_for):
    partner_services.referral_move(
        referral=world.referral,
        status=Referral.Status.WITHDRAWN,
        moved_by=world.lead,
        as_organisation=False,
    )
    for user in (world.member, world.social_worker):
        access = selectors.chat_access(user, world.thread.pk)
        assert access is not None and not access.can_post
        assert "转介已结束" in page(client_for(user), world).content.decode()
        with pytest.raises(ValidationError) as refused:
            say(world, user)
        assert "转介已结束" in " ".join(refused.value.messages)


# -- notifications ----------------------------------------------------------------------------


def test_people_away_and_mentioned_are_the_threads_participants_only(world):
    message = say(world, world.member, "@陈静 @王小红 面试时间请确认")
    assert away_notify(message_id=message.pk) == 3  # owner, lead, social worker
    told = set(Notification.objects.filter(kind="message.new").values_list("user_id", flat=True))
    assert told == {world.owner.pk, world.lead.pk, world.social_worker.pk}
    mention = Notification.objects.get(kind="message.mention")
    assert mention.user == world.social_worker and world.job.title in mention.title
    assert not Notification.objects.filter(user=world.group_volunteer).exists()


# -- the inbox --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["member", "social_worker", "lead"])
def test_the_inbox_lists_the_referral_thread_with_its_unread_count(world, client_for, person):
    say(world, world.owner if person != "owner" else world.lead, "请问学员哪天有空？")
    text = client_for(getattr(world, person)).get(reverse("messaging:inbox")).content.decode()
    assert "转介沟通" in text and world.job.title in text
    assert reverse("messaging:conversation", args=[world.thread.pk]) in text
    assert "1 条未读" in text


def test_the_unread_badge_counts_referral_messages_in_one_query(
    world, django_assert_max_num_queries
):
    from messaging.nav import items

    say(world, world.member, "第一条")
    say(world, world.member, "第二条")
    with django_assert_max_num_queries(1):
        assert selectors.unread_total(world.social_worker) == 2
    assert "2" in str(items(world.social_worker, set())[0][0])


@pytest.mark.parametrize("referrals", [1, 6])
def test_the_inbox_takes_the_same_queries_with_any_number_of_referral_threads(
    world, client_for, django_assert_max_num_queries, referrals
):
    for n in range(referrals - 1):
        job = partner_factories.job(world.organisation, world.owner, title=f"仓库管理员{n}")
        refer(world, job)
    for referral in Referral.objects.all():
        for n in range(3):
            services.message_send(
                conversation_id=thread_of(referral).pk, sender=world.lead, body=f"消息{n}"
            )
    for person in (world.member, world.social_worker):
        client = client_for(person)
        with django_assert_max_num_queries(12):
            text = client.get(reverse("messaging:inbox")).content.decode()
        assert text.count('<span class="badge">3 条未读</span>') == referrals


# -- the socket -------------------------------------------------------------------------------


async def assert_forbidden(socket):
    closed = await socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()


@pytest.fixture
def live(regions, reference_data):
    return build_referral_world(regions)


@pytest.mark.parametrize("person", [*REFUSED, "anonymous"])
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_the_socket_refuses_everyone_else_with_4403(live, person):
    socket = await open_chat(getattr(live, person), live.thread.pk, expect_hello=False)
    await assert_forbidden(socket)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_a_partners_message_reaches_the_social_worker_live(live):
    partner = await open_chat(live.member, live.thread.pk)
    worker = await open_chat(live.social_worker, live.thread.pk)
    lead = await open_chat(live.lead, live.thread.pk)
    await partner.send_json_to(
        {"type": "message.send", "body": "周三上午十点面试，方便吗？", "client_id": "r1"}
    )
    ack = await next_frame(partner, "message.ack")
    for socket in (worker, lead):
        frame = await next_frame(socket, "message.new")
        assert frame["message"]["id"] == ack["id"]
        assert frame["message"]["sender"] == {"id": live.member.pk, "name": "周助理"}
    await worker.send_json_to({"type": "message.send", "body": "方便，我陪同前往"})
    reply = await next_frame(partner, "message.new")
    while reply["message"]["sender"]["id"] == live.member.pk:  # its own message comes first
        reply = await next_frame(partner, "message.new")
    assert reply["message"]["body"] == "方便，我陪同前往"
    for socket in (partner, worker, lead):
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_leaving_the_organisation_closes_the_open_socket(live):
    partner = await open_chat(live.member, live.thread.pk)
    membership = await db(live.member.partner_memberships.get)(left_at__isnull=True)
    await db(partner_services.member_leave)(membership=membership, left_by=live.member)
    error = await next_frame(partner, "error")
    assert error["code"] == "forbidden"
    await assert_forbidden(partner)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_leaving_the_group_closes_the_social_workers_open_socket(live):
    worker = await open_chat(live.social_worker, live.thread.pk)
    membership = await db(Membership.objects.get)(user=live.social_worker, left_at__isnull=True)
    await db(group_services.member_remove)(membership=membership, removed_by=live.coordinator)
    error = await next_frame(worker, "error")
    assert error["code"] == "forbidden"
    await assert_forbidden(worker)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_withdrawing_the_referral_turns_the_organisations_socket_read_only(live):
    partner = await open_chat(live.member, live.thread.pk)
    await db(partner_services.referral_move)(
        referral=live.referral,
        status=Referral.Status.WITHDRAWN,
        moved_by=live.lead,
        as_organisation=False,
    )
    state = await next_frame(partner, "conversation.state")
    assert state["can_post"] is False and "转介已结束" in state["read_only"]
    await partner.send_json_to({"type": "message.send", "body": "还在吗？"})
    error = await next_frame(partner, "error", "message.ack")
    assert error["type"] == "error" and error["code"] == "read_only"
    await partner.disconnect()
