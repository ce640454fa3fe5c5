"""Vetting decisions: who may decide, what each needs, and how the person is told."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from messaging.models import Notification
from portal.models import AuditEvent
from tests.mail import DEAD_BROKER, broker
from volunteers import services
from volunteers.models import VolunteerProfile

Status = VolunteerProfile.Status


def test_a_coordinator_of_a_served_region_approves_audited_and_tells_the_person(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_decide(
            profile=world.applicant, decision="approve", decided_by=world.coordinator
        )
    world.applicant.refresh_from_db()
    assert world.applicant.status == Status.APPROVED
    assert world.applicant.decided_by == world.coordinator
    event = AuditEvent.objects.get(action="volunteer.approve")
    assert event.actor == world.coordinator and event.region.code == "440106005"
    note = Notification.objects.get(user=world.applicant.user, kind="vetting.decision")
    assert "批准" in note.title or "通过" in note.title
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.applicant.user.email]
    assert world.applicant.decision_emailed_at is not None


def test_a_coordinator_above_the_region_may_decide_too(world):
    services.profile_decide(
        profile=world.applicant, decision="approve", decided_by=world.city_coordinator
    )
    world.applicant.refresh_from_db()
    assert world.applicant.status == Status.APPROVED


def test_a_coordinator_elsewhere_may_not(world):
    with pytest.raises(PermissionDenied):
        services.profile_decide(
            profile=world.applicant, decision="approve", decided_by=world.other_coordinator
        )
    world.applicant.refresh_from_db()
    assert world.applicant.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="volunteer.approve").exists()


@pytest.mark.parametrize("decision", ["needs_changes", "reject"])
def test_asking_for_changes_or_rejecting_needs_a_reason(
    world, decision, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.profile_decide(
            profile=world.applicant, decision=decision, reason=" ", decided_by=world.coordinator
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_decide(
            profile=world.applicant,
            decision=decision,
            reason="请补充社工证书编号",
            decided_by=world.coordinator,
        )
    world.applicant.refresh_from_db()
    assert world.applicant.decision_reason == "请补充社工证书编号"
    assert "请补充社工证书编号" in mail.outbox[-1].body


def test_suspension_and_reinstatement(world):
    services.profile_decide(
        profile=world.profile, decision="suspend", reason="多次未到岗", decided_by=world.coordinator
    )
    world.profile.refresh_from_db()
    assert world.profile.status == Status.SUSPENDED
    with pytest.raises(ValidationError):
        services.profile_decide(
            profile=world.profile, decision="approve", decided_by=world.coordinator
        )
    services.profile_decide(
        profile=world.profile, decision="reinstate", decided_by=world.coordinator
    )
    world.profile.refresh_from_db()
    assert world.profile.status == Status.APPROVED


def test_bulk_approve_skips_what_the_coordinator_may_not_vet(world):
    from tests.volunteers import factories as vf

    faraway = vf.profile(status=Status.SUBMITTED, regions=("510107",))
    count = services.profiles_bulk_approve(
        profiles=[world.applicant, faraway, world.profile], decided_by=world.coordinator
    )
    assert count == 1
    faraway.refresh_from_db()
    assert faraway.status == Status.SUBMITTED


def test_a_broker_that_is_down_does_not_undo_the_decision_and_the_mail_leaves_at_once(
    world, django_capture_on_commit_callbacks
):
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        services.profile_decide(
            profile=world.applicant, decision="approve", decided_by=world.coordinator
        )
    world.applicant.refresh_from_db()
    assert world.applicant.status == Status.APPROVED
    assert [m.to for m in mail.outbox] == [[world.applicant.user.email]]
    assert "您的志愿者档案已审核通过" in mail.outbox[0].subject
