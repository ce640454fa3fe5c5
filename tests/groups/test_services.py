"""Group services: codes, validation, membership, lifecycle, learners; each change audited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from groups import services
from groups.models import CorrectionGroup, Membership, Stage
from portal.models import AuditEvent, User
from tests import factories
from tests.groups.conftest import group_data


def actions(group):
    return list(
        AuditEvent.objects.filter(object_id=str(group.pk), action__startswith="group.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_new_group_gets_a_pseudonymous_code_from_province_county_and_year(world):
    assert world.group.code.startswith("GD-440106-")
    assert world.group.code.endswith("-0001")
    assert dict(world.group.group_needs.values_list("need__code", "priority")) == {
        "employment": 1,
        "legal_aid": 2,
    }


def test_codes_count_up_per_county_and_are_never_reused(world, regions):
    second = services.group_create(data=group_data(regions), created_by=world.coordinator)
    assert second.code[-4:] == "0002"
    second.delete()
    third = services.group_create(data=group_data(regions), created_by=world.coordinator)
    assert third.code[-4:] == "0003"
    sichuan = services.group_create(
        data=group_data(regions, judicial_office=regions["510107001"], approved_regions=[]),
        created_by=world.coordinator,
    )
    assert sichuan.code.startswith("SC-510107-") and sichuan.code.endswith("-0001")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"planned_end_date": date(2026, 1, 1)}, "planned_end_date"),
        ({"needs": {"astrology": 1}}, "needs"),
        ({"needs": {"employment": 7}}, "needs"),
    ],
)
def test_bad_group_data_is_refused_with_the_field_named_and_nothing_written(
    regions, reference_data, changes, field
):
    coordinator = factories.coordinator(regions["440106"])
    with pytest.raises(ValidationError) as error:
        services.group_create(data=group_data(regions, **changes), created_by=coordinator)
    assert field in error.value.message_dict
    assert not CorrectionGroup.objects.exists()
    assert not AuditEvent.objects.filter(action="group.created").exists()


def test_an_execution_area_outside_the_province_is_refused_naming_the_region(
    regions, reference_data
):
    coordinator = factories.coordinator(regions["440106"])
    with pytest.raises(ValidationError) as error:
        services.group_create(
            data=group_data(regions, approved_regions=[regions["440106"], regions["510107"]]),
            created_by=coordinator,
        )
    assert "武侯区" in " ".join(error.value.message_dict["approved_regions"])
    assert not CorrectionGroup.objects.exists()


def test_a_county_is_not_a_judicial_office(regions, reference_data):
    with pytest.raises(ValidationError) as error:
        services.group_create(
            data=group_data(regions, judicial_office=regions["440106"]),
            created_by=factories.coordinator(regions["440106"]),
        )
    assert "judicial_office" in error.value.message_dict


def test_members_must_fit_the_role_and_join_only_once(world):
    with pytest.raises(ValidationError):
        services.member_add(
            group=world.group,
            user=factories.PartnerMemberFactory(),
            role=Membership.Role.VOLUNTEER,
            added_by=world.coordinator,
        )
    with pytest.raises(ValidationError):
        services.member_add(
            group=world.group,
            user=world.volunteer,
            role=Membership.Role.VOLUNTEER,
            added_by=world.coordinator,
        )
    assert world.group.memberships.filter(user=world.volunteer).count() == 1


def test_the_database_itself_refuses_two_active_leads(world):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            group=world.group, user=factories.SocialWorkerFactory(), role=Membership.Role.LEAD
        )


def test_handing_over_the_lead_keeps_the_old_lead_as_a_social_worker(world):
    new_lead = world.social_worker
    services.lead_hand_over(group=world.group, new_lead=new_lead, handed_over_by=world.lead)
    active = dict(
        world.group.memberships.filter(left_at__isnull=True).values_list("user_id", "role")
    )
    assert active[new_lead.pk] == Membership.Role.LEAD
    assert active[world.lead.pk] == Membership.Role.SOCIAL_WORKER
    assert world.group.memberships.filter(user=world.lead, left_at__isnull=False).exists()


def test_removing_a_member_keeps_their_history(world):
    membership = world.group.memberships.get(user=world.volunteer, left_at__isnull=True)
    services.member_remove(membership=membership, removed_by=world.lead)
    membership.refresh_from_db()
    assert membership.left_at is not None
    with pytest.raises(ValidationError):
        services.member_remove(membership=membership, removed_by=world.lead)


def test_closing_ends_volunteer_and_partner_access_and_reopening_is_audited(world):
    services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    group = CorrectionGroup.objects.get(pk=world.group.pk)
    assert group.is_closed and group.stage == Stage.RELEASED
    still_in = set(group.memberships.filter(left_at__isnull=True).values_list("role", flat=True))
    assert still_in == {"lead", "social_worker", "learner"}
    with pytest.raises(ValidationError):
        services.member_add(
            group=group,
            user=factories.VolunteerFactory(),
            role="volunteer",
            added_by=world.coordinator,
        )
    with pytest.raises(ValidationError):
        services.group_reopen(group=group, reason="  ", reopened_by=world.coordinator)
    services.group_reopen(group=group, reason="撤销缓刑裁定被撤回", reopened_by=world.coordinator)
    assert CorrectionGroup.objects.get(pk=group.pk).status == "active"
    assert actions(group)[-2:] == ["group.closed", "group.reopened"]
    assert AuditEvent.objects.get(action="group.reopened").data == {"reason": "撤销缓刑裁定被撤回"}


def test_a_learner_account_is_pseudonymous_and_one_per_group(world):
    learner = world.learner
    assert learner.kind == "learner" and learner.display_name == "学员甲"
    assert learner.email.endswith("@learner.invalid")
    with pytest.raises(ValidationError):  # one per group
        services.learner_account_create(
            group=world.group, display_name="学员乙", created_by=world.coordinator
        )


def test_no_learner_account_for_a_closed_group(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    group = services.group_create(data=group_data(regions), created_by=coordinator)
    services.group_close(group=group, reason="terminated", closed_by=coordinator)
    users = User.objects.count()
    with pytest.raises(ValidationError):
        services.learner_account_create(group=group, display_name="学员乙", created_by=coordinator)
    assert User.objects.count() == users


@pytest.mark.parametrize("name", ["刘芳", " 刘 芳 ", "刘·芳", "ＬＩＵ Fang"])
def test_a_learners_pseudonym_may_not_read_as_a_members_name(regions, reference_data, name):
    coordinator = factories.coordinator(regions["440106"])
    group = services.group_create(data=group_data(regions), created_by=coordinator)
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    if name.isascii() or "Ｌ" in name:
        lead.display_name = "Liu Fang"
        lead.save(update_fields=["display_name"])
    users = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.learner_account_create(group=group, display_name=name, created_by=coordinator)
    assert "小组成员" in " ".join(refused.value.messages)
    assert User.objects.count() == users
    # A pseudonym nobody in the group has is fine.
    services.learner_account_create(group=group, display_name="学员丁", created_by=coordinator)


def test_a_learner_logs_in_with_the_login_handed_over(regions, reference_data, client):
    coordinator = factories.coordinator(regions["440106"])
    group = services.group_create(data=group_data(regions), created_by=coordinator)
    login = services.learner_account_create(
        group=group, display_name="学员丙", created_by=coordinator
    )
    response = client.post("/accounts/login/", {"login": login.login, "password": login.password})
    assert response.status_code == 302
    assert client.get("/groups/mine/").status_code == 200


def test_every_change_is_in_the_audit_trail_and_case_notes_are_never_copied(world, regions):
    services.group_update(
        group=world.group,
        data=group_data(regions, case_notes="新情况：已找到临时工作。", needs={"employment": 2}),
        updated_by=world.coordinator,
    )
    assert actions(world.group) == [
        "group.created",
        "group.lead_changed",
        "group.member_added",
        "group.member_added",
        "group.member_added",
        "group.learner_created",
        "group.updated",
    ]
    update = AuditEvent.objects.get(action="group.updated")
    assert update.data == {"fields": ["case_notes", "needs"]}
    assert "临时工作" not in str(AuditEvent.objects.values_list("data", flat=True))
