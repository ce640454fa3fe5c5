"""The referral's page leads both sides to its conversation (issue 16): the organisation's
members "联系社工", the group's lead "联系合作单位"; a coordinator sees the referral, not the
conversation; everyone else gets 404."""

import pytest
from django.urls import reverse

from messaging.models import Conversation, Message
from tests.messaging.referral_world import build_referral_world, thread_of


@pytest.fixture
def world(regions, reference_data):
    return build_referral_world(regions)


def detail(client, world):
    return client.get(reverse("partners:referral", args=[world.referral.pk])).content.decode()


def talk_url(world):
    return reverse("partners:referral_conversation", args=[world.referral.pk])


@pytest.mark.parametrize(
    ("person", "wording"),
    [("owner", "联系社工"), ("member", "联系社工"), ("lead", "联系合作单位")],
)
def test_both_sides_see_the_way_to_the_conversation(world, client_for, person, wording):
    text = detail(client_for(getattr(world, person)), world)
    assert talk_url(world) in text and wording in text


def test_the_coordinator_sees_the_referral_without_the_conversation(world, client_for):
    text = detail(client_for(world.coordinator), world)
    assert world.group.code in text
    assert talk_url(world) not in text and "联系社工" not in text and "联系合作单位" not in text


@pytest.mark.parametrize("person", ["owner", "member", "lead"])
def test_the_link_opens_the_referrals_conversation(world, client_for, person):
    response = client_for(getattr(world, person)).get(talk_url(world))
    assert response.status_code == 302
    assert response.url == reverse("messaging:conversation", args=[world.thread.pk])


@pytest.mark.parametrize(
    "person",
    ["coordinator", "other_coordinator", "other_partner", "social_worker", "outsider", "learner"],
)
def test_the_link_is_404_for_everyone_else(world, client_for, person):
    # The social worker reaches the conversation from their inbox: the referral's own page is
    # the lead's and the organisation's.
    Conversation.objects.filter(pk=world.thread.pk).delete()
    assert client_for(getattr(world, person)).get(talk_url(world)).status_code == 404
    assert not Conversation.objects.filter(kind=Conversation.Kind.REFERRAL).exists()


def test_anonymous_is_sent_to_log_in(world, client_for):
    response = client_for(None).get(talk_url(world))
    assert response.status_code == 302 and "login" in response.url


def test_the_link_only_reads(world, client_for):
    assert client_for(world.member).post(talk_url(world)).status_code == 405


def test_a_referral_made_before_conversations_gets_one_when_first_opened(world, client_for):
    Conversation.objects.filter(pk=world.thread.pk).delete()
    first = client_for(world.member).get(talk_url(world))
    again = client_for(world.lead).get(talk_url(world))
    thread = thread_of(world.referral)
    assert first.url == again.url == reverse("messaging:conversation", args=[thread.pk])
    assert thread.group == world.group
    assert Conversation.objects.filter(kind=Conversation.Kind.REFERRAL).count() == 1


def test_the_partner_reaches_the_social_worker_from_the_referral(world, client_for):
    partner = client_for(world.member)
    conversation_url = partner.get(talk_url(world)).url
    page = partner.get(conversation_url).content.decode()
    assert "陈静" in page and "社工" in page  # the social worker is there to be reached
    send_url = reverse("messaging:send", args=[world.thread.pk])
    assert partner.post(send_url, {"body": "想约周三上午面试，可以吗？"}).status_code == 302
    inbox = client_for(world.social_worker).get(reverse("messaging:inbox")).content.decode()
    assert world.job.title in inbox and "1 条未读" in inbox
    reply = client_for(world.social_worker).get(conversation_url).content.decode()
    assert "想约周三上午面试，可以吗？" in reply
    assert Message.objects.filter(sender=world.member, conversation=world.thread).count() == 1
