"""A correction group in 石牌街司法所 with a member of every kind, its room, and helpers to open
chat sockets through the real ASGI stack (origin check, session auth, routing)."""

from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client

from groups import services as group_services
from groups.models import Membership
from messaging import services
from portal.asgi import application
from tests import factories
from tests.groups.conftest import group_data


def build_world(regions):
    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    # Vetted, or their organisation verified: what the gate into a group asks.
    vetted, contact = factories.vetted, factories.contact
    people = {
        role: group_services.member_add(
            group=group, user=make(factory(display_name=name)), role=role, added_by=coordinator
        ).user
        for role, factory, make, name in (
            (Membership.Role.SOCIAL_WORKER, factories.SocialWorkerFactory, vetted, "陈静"),
            (Membership.Role.VOLUNTEER, factories.VolunteerFactory, vetted, "王小红"),
            (Membership.Role.ENTERPRISE_CONTACT, factories.PartnerMemberFactory, contact, "赵磊"),
        )
    }
    learner = group_services.learner_account_create(
        group=group, display_name="学员甲", created_by=coordinator
    ).user
    return SimpleNamespace(
        group=group,
        room=services.room_ensure(group=group),
        coordinator=coordinator,
        lead=lead,
        social_worker=people[Membership.Role.SOCIAL_WORKER],
        volunteer=people[Membership.Role.VOLUNTEER],
        partner=people[Membership.Role.ENTERPRISE_CONTACT],
        learner=learner,
        outsider=factories.VolunteerFactory(display_name="局外人"),
        other_coordinator=factories.coordinator(regions["510107"]),
        anonymous=None,
    )


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments written by tests land in a throwaway folder, not the project's folders.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit windows and online counts live in the cache; each test starts afresh.
    cache.clear()
    yield
    cache.clear()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_chat(user, conversation_id, *, expect_hello=True):
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    socket = WebsocketCommunicator(application, f"/ws/chat/{conversation_id}/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    if expect_hello:
        hello = await socket.receive_json_from(timeout=3)
        assert hello["type"] == "hello", hello
    return socket


async def next_frame(socket, *types, timeout=3):
    """The next frame of one of `types`, skipping others; an unexpected error frame fails."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] in types:
            return frame
        assert frame["type"] != "error", frame
