"""Deleting one's account: only those who signed themselves up may (not a learner, whose account
belongs to their group's supervision, nor staff), and what they shared stays readable by those
they shared it with, under a neutral name: memberships end but are kept, chat messages keep
their place, and nothing identifies the person or logs in any more."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groups.models import Membership
from messaging import services as chat
from portal.models import User
from tests import factories

LEAVE = reverse("volunteers:leave")


def leave(client_for, user):
    return client_for(user).post(LEAVE, {"password": factories.PASSWORD})


@pytest.mark.parametrize("who", ["learner", "coordinator"])
def test_learners_and_staff_cannot_delete_their_account(world, client_for, who):
    user = world.coordinator if who == "coordinator" else world.learner
    assert client_for(user).get(LEAVE).status_code == 404
    assert leave(client_for, user).status_code == 404
    user.refresh_from_db()
    assert user.is_active and EmailAddress.objects.filter(user=user).exists()


def test_someone_who_wrote_in_the_chat_can_leave_and_the_chat_keeps_the_words(world, client_for):
    room = chat.room_ensure(group=world.group)
    message = chat.message_send(conversation_id=room.pk, sender=world.volunteer, body="周六我值班")
    email = world.volunteer.email

    response = leave(client_for, world.volunteer)
    assert response.status_code == 302

    former = User.objects.get(pk=world.volunteer.pk)
    with translation.override("zh-hans"):
        assert former.display_name == str(translation.gettext("Former member"))
    assert former.email != email and not former.is_active and not former.has_usable_password()
    assert former.mobile == "" and not EmailAddress.objects.filter(user=former).exists()
    message.refresh_from_db()
    assert message.body == "周六我值班" and message.sender_id == former.pk
    membership = Membership.objects.get(group=world.group, user=former)
    assert membership.left_at is not None  # ended, not erased
    page = client_for(world.lead).get(reverse("messaging:conversation", args=[room.pk]))
    assert "周六我值班" in page.content.decode()
    # The address is free again, and nobody logs in as the former member.
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": factories.PASSWORD})
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_partner_member_may_leave(world, client_for):
    partner = factories.PartnerMemberFactory()
    assert leave(client_for, partner).status_code == 302
    partner.refresh_from_db()
    assert not partner.is_active
