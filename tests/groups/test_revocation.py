"""Revocation takes effect everywhere at once (groups.revocation): suspending a volunteer or
social worker, withdrawing a juvenile clearance, rejecting or un-verifying an organisation, a
contact leaving it, or a person deleting their account ends their places in the groups
concerned: the rows stay as history, each end is audited, the lead and the coordinators are
told, the group's page answers 404, and matching refreshes the group's suggestions. Reinstating
gives nothing back."""

import pytest
from django.urls import reverse

from groups import services as group_services
from groups.models import Membership
from matching import refresh
from messaging.models import Notification
from partners import services as partner_services
from partners.models import Organisation, OrganisationMember
from partners.services.organisations import ORGANISATION_FIELDS
from portal.models import AuditEvent
from tests import factories
from tests.groups.conftest import group_data
from tests.messaging.conftest import build_world
from tests.partners import factories as partner_factories
from volunteers import services as volunteer_services
from volunteers.models import VolunteerProfile
from volunteers.services.clearance import profile_clear_for_juveniles


@pytest.fixture
def world(regions, reference_data):
    """The messaging world (a group in 石牌街 with a lead, social worker, volunteer, enterprise
    contact and learner), and a juvenile group the volunteer, cleared, also serves."""
    world = build_world(regions)
    world.juvenile = group_services.group_create(
        data=group_data(regions, is_juvenile=True), created_by=world.coordinator
    )
    cleared = VolunteerProfile.objects.filter(user__in=[world.volunteer, world.lead])
    cleared.update(cleared_for_juveniles=True)
    group_services.lead_hand_over(
        group=world.juvenile, new_lead=world.lead, handed_over_by=world.coordinator
    )
    group_services.member_add(
        group=world.juvenile, user=world.volunteer, role="volunteer", added_by=world.coordinator
    )
    world.profile = VolunteerProfile.objects.get(user=world.volunteer)
    world.organisation = Organisation.objects.get(members__user=world.partner)
    return world


@pytest.fixture
def refreshed(monkeypatch):
    """The groups matching would refresh (its debounced task, not queued here)."""
    groups = set()
    monkeypatch.setattr(refresh, "_enqueue", lambda ids: groups.update(ids))
    return groups


def places(user):
    return dict(
        Membership.objects.filter(user=user, left_at__isnull=True).values_list("group_id", "role")
    )


def ended_audit(user):
    return list(
        AuditEvent.objects.filter(action="group.access_ended", data__user=user.pk).values_list(
            "object_id", "data__cause"
        )
    )


def told(user, group):
    return Notification.objects.filter(
        user=user, kind="group.access_ended", url=reverse("groups:detail", args=[group.code])
    )


def suspend(world):
    volunteer_services.profile_decide(
        profile=world.profile, decision="suspend", reason="多次爽约", decided_by=world.coordinator
    )


def test_suspending_a_volunteer_ends_every_place_at_once(
    world, client_for, refreshed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suspend(world)
    assert places(world.volunteer) == {}
    # History kept: the rows are there, ended.
    assert Membership.objects.filter(user=world.volunteer, left_at__isnull=False).count() == 2
    assert sorted(ended_audit(world.volunteer)) == sorted(
        [(str(world.group.pk), "suspended"), (str(world.juvenile.pk), "suspended")]
    )
    for group in (world.group, world.juvenile):
        for person in (world.lead, world.coordinator):
            (notice,) = told(person, group)
            assert "王小红" in notice.title and group.code in notice.title
            assert notice.body == "已被暂停"
        detail = reverse("groups:detail", args=[group.code])
        assert client_for(world.volunteer).get(detail).status_code == 404
    assert refreshed >= {world.group.pk, world.juvenile.pk}
    assert Notification.objects.filter(user=world.volunteer, kind="group.access_ended").count() == 2


def test_reinstating_gives_no_place_back_and_the_coordinator_re_adds_through_the_gate(world):
    suspend(world)
    volunteer_services.profile_decide(
        profile=world.profile, decision="reinstate", decided_by=world.coordinator
    )
    assert places(world.volunteer) == {}
    group_services.member_add(
        group=world.group, user=world.volunteer, role="volunteer", added_by=world.coordinator
    )
    assert places(world.volunteer) == {world.group.pk: "volunteer"}


def test_a_suspended_lead_leaves_and_the_coordinators_are_told(world):
    lead_profile = VolunteerProfile.objects.get(user=world.lead)
    volunteer_services.profile_decide(
        profile=lead_profile, decision="suspend", reason="调查中", decided_by=world.coordinator
    )
    assert places(world.lead) == {}
    assert not world.group.memberships.filter(role="lead", left_at__isnull=True).exists()
    assert told(world.coordinator, world.group).exists()
    assert not told(world.lead, world.group).exists()  # the lead no longer leads it


def test_withdrawing_the_juvenile_clearance_ends_only_the_juvenile_places(world, client_for):
    profile_clear_for_juveniles(profile=world.profile, cleared=False, by=world.coordinator)
    assert places(world.volunteer) == {world.group.pk: "volunteer"}
    assert ended_audit(world.volunteer) == [(str(world.juvenile.pk), "clearance_withdrawn")]
    (notice,) = told(world.lead, world.juvenile)
    assert notice.body == "未获准为未成年人提供服务"
    juvenile = reverse("groups:detail", args=[world.juvenile.code])
    assert client_for(world.volunteer).get(juvenile).status_code == 404
    ordinary = reverse("groups:detail", args=[world.group.code])
    assert client_for(world.volunteer).get(ordinary).status_code == 200


def test_rejecting_a_verified_organisation_ends_its_contacts_places(world):
    partner_services.organisation_reject(
        organisation=world.organisation, reason="营业执照已过期", rejected_by=world.coordinator
    )
    assert places(world.partner) == {}
    assert ended_audit(world.partner) == [(str(world.group.pk), "organisation_unverified")]
    (notice,) = told(world.lead, world.group)
    assert notice.body == "所属单位尚未认证"


def test_renaming_a_verified_organisation_un_verifies_it_and_its_contacts_leave(world):
    data = {f: getattr(world.organisation, f) for f in ORGANISATION_FIELDS}
    partner_services.organisation_update(
        organisation=world.organisation, data={**data, "name": "改名后的公司"},
        updated_by=world.partner,
    )  # fmt: skip
    assert world.organisation.status == Organisation.Status.PENDING
    assert places(world.partner) == {}


def test_a_contact_another_verified_organisation_backs_keeps_their_place(world):
    second = partner_factories.organisation(
        factories.PartnerMemberFactory(), verifier=world.coordinator, name="第二家企业"
    )
    OrganisationMember.objects.create(organisation=second, user=world.partner)
    partner_services.organisation_reject(
        organisation=world.organisation, reason="资质不符", rejected_by=world.coordinator
    )
    assert places(world.partner) == {world.group.pk: "enterprise_contact"}


def test_a_contact_leaving_their_organisation_leaves_the_group(world):
    other = factories.PartnerMemberFactory()
    OrganisationMember.objects.create(organisation=world.organisation, user=other, role="owner")
    membership = OrganisationMember.objects.get(user=world.partner)
    partner_services.member_leave(membership=membership, left_by=world.partner)
    assert places(world.partner) == {}
    assert ended_audit(world.partner) == [(str(world.group.pk), "left")]


def test_a_volunteer_deleting_their_account_leaves_every_group_told_and_audited(world):
    user_id = world.volunteer.pk
    volunteer_services.account_delete(user=world.volunteer)
    causes = AuditEvent.objects.filter(action="group.access_ended", data__user=user_id)
    assert sorted(causes.values_list("object_id", flat=True)) == sorted(
        [str(world.group.pk), str(world.juvenile.pk)]
    )
    (notice,) = told(world.lead, world.group)
    assert notice.body == "已退出平台"


def test_the_group_timeline_shows_the_ended_access(world, client_for):
    suspend(world)
    page = client_for(world.coordinator).get(reverse("groups:detail", args=[world.group.code]))
    assert "终止了一名成员的参与资格" in page.content.decode()


def test_a_revocation_that_fails_changes_nothing(world, monkeypatch):
    """One transaction: if telling the lead fails, the places are not ended either."""
    from volunteers import gate as volunteer_gate

    def broken(**kwargs):
        raise RuntimeError("消息服务不可用")

    monkeypatch.setattr(volunteer_gate, "notify", broken)
    with pytest.raises(RuntimeError):
        suspend(world)
    world.profile.refresh_from_db()
    assert world.profile.status == "approved"
    assert len(places(world.volunteer)) == 2
