"""Re-issuing a learner's login: only the coordinators over the group (and admins) may; the old
password stops working, every session ends, open sockets close with 4403; the page shows when
the login was last used; every re-issue is audited."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import services
from portal.asgi import application
from portal.models import AuditEvent, StaffRole, User
from tests import factories

ALLOWED, HIDDEN, LOGIN = 200, 404, 302


@pytest.fixture
def people(world, regions):
    """Everyone around the group of tests/groups/conftest.py, plus the staff who may not."""
    extra = {
        "admin": factories.AdminFactory(),
        "office_coordinator": factories.coordinator(regions["440106005"]),  # the group's office
        "sibling_coordinator": factories.coordinator(regions["440106006"]),  # 天河南街司法所
        "county_sibling_coordinator": factories.coordinator(regions["440104"]),  # 越秀区
        "education_officer": factories.education_officer(regions["440106"]),
    }
    if hasattr(StaffRole.Role, "OBSERVER"):  # added by the dashboards work; checked once there
        extra["observer"] = factories.StaffRoleFactory(
            region=regions["440106"], role=StaffRole.Role.OBSERVER
        ).user
    for name, user in extra.items():
        setattr(world, name, user)
    return world


MATRIX = {
    "admin": ALLOWED,
    "coordinator": ALLOWED,  # 天河区, over the group's office
    "city_coordinator": ALLOWED,  # 广州市
    "office_coordinator": ALLOWED,
    "sibling_coordinator": HIDDEN,
    "county_sibling_coordinator": HIDDEN,
    "other_coordinator": HIDDEN,  # 武侯区, another province
    "observer": HIDDEN,
    "education_officer": HIDDEN,
    "lead": HIDDEN,
    "social_worker": HIDDEN,
    "volunteer": HIDDEN,
    "partner": HIDDEN,
    "learner": HIDDEN,
    "outsider": HIDDEN,
    "anonymous": LOGIN,
}


def url(world):
    return reverse("groups:learner_reissue", args=[world.group.code])


def password_works(user, password) -> bool:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(("person", "status"), MATRIX.items())
def test_who_may_open_the_reissue_page(people, client_for, person, status):
    if not hasattr(people, person):
        pytest.skip(f"no {person} role yet")
    response = client_for(getattr(people, person)).get(url(people))
    assert response.status_code == status


@pytest.mark.parametrize(
    "person", [p for p, status in MATRIX.items() if status != ALLOWED and p != "anonymous"]
)
def test_nobody_else_can_reissue_and_the_password_stays(people, client_for, person):
    if not hasattr(people, person):
        pytest.skip(f"no {person} role yet")
    before = User.objects.get(pk=people.learner.pk).password
    response = client_for(getattr(people, person)).post(url(people))
    assert response.status_code == HIDDEN
    assert User.objects.get(pk=people.learner.pk).password == before
    assert not AuditEvent.objects.filter(action="group.learner_login_reissued").exists()


def test_the_new_password_works_once_shown_and_the_old_one_stops(world, client_for):
    old = "学员旧密码-2026"
    world.learner.set_password(old)
    world.learner.save()
    assert password_works(world.learner, old)

    response = client_for(world.coordinator).post(url(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert "学员登录已重新发放" in page and world.learner.email in page
    new = response.context["login"].password
    assert new in page and new != old
    assert not password_works(world.learner, old)
    assert password_works(world.learner, new)
    # Never stored in clear.
    assert new not in User.objects.get(pk=world.learner.pk).password


def test_the_learners_sessions_end_and_other_peoples_stay(world, client_for):
    phone, laptop = client_for(world.learner), client_for(world.learner)
    volunteer = client_for(world.volunteer)
    mine = {phone.session.session_key, laptop.session.session_key}
    assert Session.objects.filter(session_key__in=mine).count() == 2

    services.learner_login_reissue(group=world.group, reissued_by=world.coordinator)

    assert not Session.objects.filter(session_key__in=mine).exists()
    assert Session.objects.filter(session_key=volunteer.session.session_key).exists()
    page = reverse("groups:detail", args=[world.group.code])
    assert phone.get(page).status_code == LOGIN
    assert volunteer.get(page).status_code == ALLOWED


def test_it_is_audited_without_the_password(world):
    login = services.learner_login_reissue(group=world.group, reissued_by=world.coordinator)
    event = AuditEvent.objects.get(action="group.learner_login_reissued")
    assert event.actor == world.coordinator
    assert event.data["user"] == world.learner.pk
    assert login.password not in str(event.data)


def test_a_closed_group_or_one_without_a_learner_is_refused_and_nothing_changes(
    world, regions, client_for
):
    from tests.groups.conftest import group_data

    bare = services.group_create(data=group_data(regions), created_by=world.coordinator)
    with pytest.raises(ValidationError, match="还没有学员账号"):
        services.learner_login_reissue(group=bare, reissued_by=world.coordinator)
    assert (
        client_for(world.coordinator)
        .get(reverse("groups:learner_reissue", args=[bare.code]))
        .status_code
        == HIDDEN
    )

    services.group_close(group=world.group, reason="terminated", closed_by=world.coordinator)
    before = User.objects.get(pk=world.learner.pk).password
    response = client_for(world.coordinator).post(url(world), follow=True)
    assert "已关闭，不能重新发放学员登录" in response.content.decode()
    assert User.objects.get(pk=world.learner.pk).password == before
    assert not AuditEvent.objects.filter(action="group.learner_login_reissued").exists()


def test_the_group_page_shows_coordinators_when_the_login_was_last_used(world, client_for):
    page = reverse("groups:detail", args=[world.group.code])
    first = client_for(world.coordinator).get(page).content.decode()
    assert "学员登录" in first and "从未使用" in first
    assert reverse("groups:learner_reissue", args=[world.group.code]) in first

    world.learner.set_password(factories.PASSWORD)
    world.learner.save()
    assert password_works(world.learner, factories.PASSWORD)
    used = User.objects.get(pk=world.learner.pk).last_login
    shown = client_for(world.coordinator).get(page).content.decode()
    assert timezone.localtime(used).strftime("%Y-%m-%d %H:%M") in shown and "从未使用" not in shown

    for person in ("lead", "volunteer", "learner"):
        other = client_for(getattr(world, person)).get(page).content.decode()
        assert "最近使用" not in other
        assert reverse("groups:learner_reissue", args=[world.group.code]) not in other


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_groups_left_empty")
async def test_the_learners_open_sockets_close_with_4403_and_others_stay_open(
    regions, reference_data
):
    from tests.groups.conftest import group_data

    def build():
        coordinator = factories.coordinator(regions["440106"])
        group = services.group_create(data=group_data(regions), created_by=coordinator)
        learner = services.learner_account_create(
            group=group, display_name="学员丁", created_by=coordinator
        ).user
        return coordinator, group, learner, factories.VolunteerFactory()

    coordinator, group, learner, volunteer = await sync_to_async(build)()
    learner_socket, volunteer_socket = await open_socket(learner), await open_socket(volunteer)

    await sync_to_async(services.learner_login_reissue)(group=group, reissued_by=coordinator)

    closed = await learner_socket.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}
    assert await volunteer_socket.receive_nothing(timeout=0.3)
    await volunteer_socket.send_json_to({"type": "ping"})
    assert (await volunteer_socket.receive_json_from(timeout=2)) == {"type": "pong"}
    for socket in (learner_socket, volunteer_socket):
        await socket.disconnect()


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
