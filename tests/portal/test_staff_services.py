"""Granting, revoking and inviting: who may, what is written (one audit row each, who, whom,
what, where), what a refusal leaves behind (nothing), and the invitation e-mail's link."""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from portal import rights, services
from portal.events import user_group
from portal.models import AccountKind, AuditEvent, StaffRole, User
from portal.staff.services import staff_invite
from tests import factories

Role = StaffRole.Role


def written():
    return (StaffRole.objects.count(), User.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def county_coordinator(regions):
    return factories.coordinator(regions["440106"])


def test_a_coordinator_grants_a_role_beneath_and_one_row_says_who_whom_what_where(
    regions, county_coordinator
):
    person = factories.VolunteerFactory(display_name="陈静")
    services.staff_role_grant(
        user=person, role=Role.OBSERVER, region=regions["440106005"], granted_by=county_coordinator
    )
    row = AuditEvent.objects.get(action="staff_role.granted")
    assert row.actor == county_coordinator
    assert (row.object_id, row.object_repr) == (str(person.pk), f"用户 #{person.pk}")
    assert (row.region.code, row.data) == ("440106005", {"role": "observer"})
    person.refresh_from_db()
    assert person.kind == AccountKind.STAFF


@pytest.mark.parametrize("code", ["440104", "440100", "440000", "510107"])
def test_granting_over_a_region_the_granter_does_not_cover_is_refused_and_writes_nothing(
    regions, county_coordinator, code
):
    person = factories.VolunteerFactory()
    before = written()
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            user=person, role=Role.COORDINATOR, region=regions[code], granted_by=county_coordinator
        )
    assert written() == before
    person.refresh_from_db()
    assert person.kind == AccountKind.VOLUNTEER


@pytest.mark.parametrize("who", ["observer", "officer", "reviewer", "volunteer"])
def test_people_without_the_staff_right_grant_nothing(regions, who):
    granter = {
        "observer": lambda: factories.StaffRoleFactory(role=Role.OBSERVER).user,
        "officer": lambda: factories.education_officer(regions["440000"]),
        "reviewer": lambda: factories.StaffRoleFactory(role=Role.REVIEWER).user,
        "volunteer": factories.VolunteerFactory,
    }[who]()
    before = written()
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            user=factories.UserFactory(),
            role=Role.OBSERVER,
            region=regions["440106005"],
            granted_by=granter,
        )
    assert written()[0] == before[0] and written()[2] == before[2]


def test_nobody_grants_themselves_a_role_or_an_unknown_one(regions, county_coordinator):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            user=county_coordinator,
            role=Role.EDUCATION_OFFICER,
            region=regions["440106005"],
            granted_by=county_coordinator,
        )
    for role in ("admin", "superuser", ""):
        with pytest.raises(PermissionDenied):
            services.staff_role_grant(
                user=factories.UserFactory(),
                role=role,
                region=regions["440106"],
                granted_by=factories.AdminFactory(),
            )
    assert StaffRole.objects.count() == 1


def test_a_grant_never_makes_an_admin(regions, county_coordinator):
    person = factories.UserFactory()
    services.staff_role_grant(
        user=person, role=Role.COORDINATOR, region=regions["440106"], granted_by=None
    )
    person.refresh_from_db()
    assert not person.is_superuser and not person.is_staff


def test_granting_a_role_held_already_changes_nothing(regions):
    person = factories.UserFactory()
    first = services.staff_role_grant(
        user=person, role=Role.OBSERVER, region=regions["440106"], granted_by=None
    )
    before = written()
    again = services.staff_role_grant(
        user=person, role=Role.OBSERVER, region=regions["440106"], granted_by=None
    )
    assert again == first and written() == before


def test_a_reviewer_moderates_in_wagtail_until_the_role_is_revoked(regions):
    person = factories.UserFactory()
    role = services.staff_role_grant(
        user=person, role=Role.REVIEWER, region=regions["440000"], granted_by=None
    )
    assert Group.objects.get(name="Moderators").user_set.filter(pk=person.pk).exists()
    services.staff_role_revoke(staff_role=role, revoked_by=factories.AdminFactory())
    assert not Group.objects.get(name="Moderators").user_set.filter(pk=person.pk).exists()


def test_revoking_follows_the_granting_rule_and_is_audited(regions, county_coordinator):
    above = services.staff_role_grant(
        user=factories.UserFactory(), role=Role.OBSERVER, region=regions["440100"], granted_by=None
    )
    beneath = services.staff_role_grant(
        user=factories.UserFactory(display_name="刘芳"),
        role=Role.OBSERVER,
        region=regions["440106006"],
        granted_by=None,
    )
    before = written()
    with pytest.raises(PermissionDenied):
        services.staff_role_revoke(staff_role=above, revoked_by=county_coordinator)
    assert written() == before
    services.staff_role_revoke(staff_role=beneath, revoked_by=county_coordinator)
    row = AuditEvent.objects.get(action="staff_role.revoked")
    assert (row.actor, row.object_repr, row.region.code, row.data) == (
        county_coordinator,
        f"用户 #{beneath.user_id}",
        "440106006",
        {"role": "observer"},
    )


def test_a_revoked_right_ends_with_the_next_check(regions, county_coordinator):
    person = factories.UserFactory()
    role = services.staff_role_grant(
        user=person, role=Role.COORDINATOR, region=regions["440106005"], granted_by=None
    )
    assert rights.has_right(person, rights.STAFF_MANAGE, regions["440106005"])
    services.staff_role_revoke(staff_role=role, revoked_by=county_coordinator)
    assert not rights.has_right(person, rights.STAFF_MANAGE, regions["440106005"])


# -- invitations ------------------------------------------------------------------------------


def invite(inviter, regions, email="Li.Ming@Example.CN", **kwargs):
    return staff_invite(
        email=email,
        display_name=kwargs.pop("display_name", "李明"),
        role=kwargs.pop("role", Role.EDUCATION_OFFICER),
        region=regions[kwargs.pop("code", "440106")],
        invited_by=inviter,
    )


def test_inviting_a_new_address_creates_an_account_that_sets_its_password_from_the_email(
    regions, county_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        role = invite(county_coordinator, regions)
    person = role.user
    assert (person.email, person.display_name, person.kind) == (
        "li.ming@example.cn",
        "李明",
        AccountKind.STAFF,
    )
    assert not person.has_usable_password()
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "account.created",
        "staff_role.granted",
    ]
    (message,) = mail.outbox
    assert message.to == ["li.ming@example.cn"]
    assert "教育矫正专员" in message.subject
    assert "已将您设为天河区的教育矫正专员" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)

    # The link is allauth's set-password page: the new password logs the person in.
    client = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(
        form_url, {"password1": "新密码-Portal-2026", "password2": "新密码-Portal-2026"}
    )
    assert done.status_code == 302
    assert Client().login(email="li.ming@example.cn", password="新密码-Portal-2026")


def test_inviting_someone_with_an_account_sends_a_notice_and_keeps_their_name(
    regions, county_coordinator, django_capture_on_commit_callbacks
):
    person = factories.VolunteerFactory(email="wang@example.cn", display_name="王小红")
    with django_capture_on_commit_callbacks(execute=True):
        invite(county_coordinator, regions, email="WANG@example.cn", display_name="别的名字")
    person.refresh_from_db()
    assert person.display_name == "王小红" and person.has_usable_password()
    (message,) = mail.outbox
    assert "获得了新角色" in message.subject and "/accounts/password/reset/key/" not in message.body


def test_an_invitation_the_inviter_may_not_give_writes_and_sends_nothing(
    regions, county_coordinator, django_capture_on_commit_callbacks
):
    before = written()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        invite(county_coordinator, regions, code="440104")
    assert written() == before and mail.outbox == []


def test_inviting_to_a_role_held_already_writes_and_sends_nothing(
    regions, county_coordinator, django_capture_on_commit_callbacks
):
    person = factories.VolunteerFactory(email="held@example.cn")
    services.staff_role_grant(
        user=person, role=Role.OBSERVER, region=regions["440106"], granted_by=None
    )
    before = written()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(county_coordinator, regions, email="held@example.cn", role=Role.OBSERVER)
    assert written() == before and mail.outbox == []


def test_the_revocation_event_leaves_only_after_commit_and_is_json(
    regions, django_capture_on_commit_callbacks
):
    observer = factories.UserFactory()
    role = services.staff_role_grant(
        user=observer, role=Role.OBSERVER, region=regions["440106"], granted_by=None
    )
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(observer.pk), channel)
    admin = factories.AdminFactory()  # made before: saving a user has after-commit work of its own
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.staff_role_revoke(staff_role=role, revoked_by=admin)
    assert len(callbacks) == 1  # nothing has left before the commit
    callbacks[0]()
    event = async_to_sync(layer.receive)(channel)["event"]
    assert event["type"] == rights.ACCESS_REVOKED
    assert json.loads(json.dumps(event))["payload"] == {"role": "observer", "region": "440106"}
