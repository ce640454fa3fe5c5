"""Revoking a staff role reaches the person's open sockets at once: /ws/notifications/ closes
with 4403 (through the real ASGI stack; Redis with REDIS_URL, else the in-memory layer)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from portal import services
from portal.asgi import application
from portal.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
Role = StaffRole.Role


async def open_socket(user):
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
    )
    connected, _ = await socket.connect()
    assert connected
    return socket


@pytest.fixture
def scene(regions):
    admin = factories.AdminFactory()
    observer = factories.UserFactory(display_name="区领导")
    role = services.staff_role_grant(
        user=observer, role=Role.OBSERVER, region=regions["440106"], granted_by=admin
    )
    return admin, observer, role


async def test_revoking_a_role_closes_the_persons_notification_sockets_with_4403(scene):
    admin, observer, role = scene
    bystander = await sync_to_async(factories.VolunteerFactory)()
    phone, laptop, other = (
        await open_socket(observer),
        await open_socket(observer),
        await open_socket(bystander),
    )
    await sync_to_async(services.staff_role_revoke)(staff_role=role, revoked_by=admin)
    for socket in (phone, laptop):
        assert await socket.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
    # Nobody else's socket hears of it.
    assert await other.receive_nothing(timeout=0.3)
    for socket in (phone, laptop, other):
        await socket.disconnect()


async def test_a_role_given_back_in_the_same_change_keeps_the_socket_open(scene, regions):
    admin, observer, role = scene
    socket = await open_socket(observer)

    def revoke_and_regrant():
        with transaction.atomic():
            services.staff_role_revoke(staff_role=role, revoked_by=admin)
            services.staff_role_grant(
                user=observer, role=Role.OBSERVER, region=regions["440106"], granted_by=admin
            )

    await sync_to_async(revoke_and_regrant)()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=2) == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.needs_redis
@pytest.mark.needs_postgres  # the server process opens the test database
def test_a_real_server_closes_the_socket_of_a_revoked_coordinator(regions):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    from tests.servers import asgi_server

    admin = factories.AdminFactory()
    coordinator = factories.coordinator(regions["440106005"])
    client = Client()
    client.force_login(coordinator)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with (
        asgi_server() as base,
        connect(
            f"ws://{base}/ws/notifications/",
            additional_headers={"Cookie": cookie, "Origin": f"http://{base}"},
        ) as socket,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket.send('{"type": "ping"}')
        assert '"pong"' in socket.recv(timeout=5)  # open and listening
        services.staff_role_revoke(
            staff_role=StaffRole.objects.get(user=coordinator), revoked_by=admin
        )
        socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4403
