"""Sending, acknowledging and closing alerts: who may send where, who receives, and what bad
input and double submissions get (a clear refusal, nothing half-sent)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Recipient
from groups.models import CorrectionGroup, Membership
from portal.models import AuditEvent
from tests.alerts.conftest import county_drill, events_of, join, send

pytestmark = pytest.mark.django_db


def reached(alert):
    return {r.user for r in alert.recipients.select_related("user")}


def nothing_was_sent():
    return not Alert.objects.exists() and not Recipient.objects.exists()


# -- who receives -----------------------------------------------------------------------------


def test_a_county_drill_reaches_every_member_of_its_groups_once_and_no_learner(world):
    alert = send(world)
    assert reached(alert) == world.county_people
    assert alert.recipient_count == len(world.county_people) == 6
    assert world.learner not in reached(alert)
    assert world.yuexiu_volunteer not in reached(alert)
    # In two groups: one row, counted in the first group.
    row = alert.recipients.get(user=world.volunteer)
    assert (row.group, row.role) == (world.shipai, Membership.Role.VOLUNTEER)
    assert alert.is_drill and alert.reach == Alert.Reach.COUNTY


def test_a_learner_account_given_another_role_by_mistake_still_never_receives(world):
    join(world.tiannan, world.learner, Membership.Role.VOLUNTEER)
    assert world.learner not in reached(send(world))


def test_one_group_reaches_its_members_but_not_its_learner(world):
    data = county_drill(world, kind="group", region=world.regions["440106005"], group=world.shipai)
    assert reached(send(world, data)) == {
        world.lead,
        world.social_worker,
        world.volunteer,
        world.partner,
    }


def test_all_staff_and_leads_of_a_region(world):
    data = county_drill(world, kind="region_staff")
    people = reached(send(world, data))
    # The sender is left out; the city's coordinator sits above the county, not in it.
    assert people == {world.lead, world.tiannan_lead, world.officer}
    assert Recipient.objects.get(user=world.officer).role == Recipient.Role.STAFF


def test_a_roles_filter_reaches_only_those_roles(world):
    data = county_drill(world, roles=["volunteer"])
    assert reached(send(world, data)) == {world.volunteer, world.tiannan_volunteer}


def test_closed_groups_are_not_reached(world):
    CorrectionGroup.objects.filter(pk=world.tiannan.pk).update(status="closed")
    assert world.tiannan_lead not in reached(send(world))


def test_an_office_reach_needs_an_office_and_a_province_has_no_groups_reach(world):
    with pytest.raises(ValidationError) as refused:
        send(world, county_drill(world, kind="office"))
    assert "region" in refused.value.error_dict
    with pytest.raises(ValidationError):
        send(world, county_drill(world, kind="city", region=world.regions["440000"]),
             sender=world.admin)  # fmt: skip
    assert nothing_was_sent()


# -- who may send where -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),
        ("city_coordinator", True),
        ("admin", True),
        ("yuexiu_coordinator", False),  # another county's coordinator
        ("officer", False),  # staff of the county, but not a coordinator
        ("lead", False),
        ("volunteer", False),
        ("learner", False),
        ("outsider", False),
    ],
)
def test_only_coordinators_of_the_region_and_admins_send(world, who, allowed):
    sender = getattr(world, who)
    if allowed:
        alert = send(world, sender=sender)
        assert alert.sender == sender
        assert AuditEvent.objects.filter(action="alert.sent", actor=sender).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            send(world, sender=sender)
        assert nothing_was_sent()


def test_a_coordinator_cannot_reach_beyond_their_region(world):
    with pytest.raises(PermissionDenied):
        send(world, county_drill(world, region=world.regions["440104"]))
    yuexiu_group = county_drill(
        world, kind="group", region=world.regions["440104003"], group=world.yuexiu
    )
    with pytest.raises(PermissionDenied):
        send(world, yuexiu_group)
    assert nothing_was_sent()


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("", "请写明收到通知的人需要知道什么"),
        ("   \n ", "请写明收到通知的人需要知道什么"),
        ("涝" * 501, "最多 500 个字（当前 501 个）"),
        ("紧急" * 5000, "最多 500 个字（当前 10000 个）"),
    ],
)
def test_an_empty_or_too_long_message_is_refused_and_nothing_is_sent(world, message, says):
    with pytest.raises(ValidationError) as refused:
        send(world, county_drill(world, message=message))
    assert says in " ".join(refused.value.message_dict["message"])
    assert nothing_was_sent()
    assert not AuditEvent.objects.filter(action="alert.sent").exists()


def test_a_reach_with_nobody_in_it_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        send(world, county_drill(world, roles=["university_contact"]))
    assert "没有人会收到此通知" in refused.value.messages[0]
    assert nothing_was_sent()


def test_a_learner_role_cannot_be_chosen(world):
    with pytest.raises(ValidationError):
        send(world, county_drill(world, roles=["learner"]))


def test_the_same_form_sent_twice_makes_one_alert(
    world, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.alert_send(
            sender=world.coordinator, data=county_drill(world), key="abc"
        )
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.alert_send(
            sender=world.coordinator, data=county_drill(world), key="abc"
        )
    assert (created, created_again) == (True, False)
    assert again == first
    assert Alert.objects.count() == 1
    assert Recipient.objects.count() == 6
    assert len(events_of(published, "alert.sent")) == 1


def test_a_missing_form_key_is_refused(world):
    with pytest.raises(ValidationError):
        services.alert_send(sender=world.coordinator, data=county_drill(world), key=" ")
    assert nothing_was_sent()


# -- after sending ----------------------------------------------------------------------------


def test_stored_first_then_pushed_after_commit_to_the_recipients_only(
    world, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = send(world)
        assert Recipient.objects.filter(alert=alert, sent_at__isnull=True).count() == 6
    assert published == []  # nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=True):  # the push itself is on commit
        for callback in callbacks:
            callback()
    ((to, event),) = events_of(published, "alert.sent")
    assert to == {u.pk for u in world.county_people}
    assert event["payload"]["message"].startswith("【演练】")
    assert event["payload"]["drill"] is True
    assert not Recipient.objects.filter(alert=alert, sent_at__isnull=True).exists()


def test_acknowledging_keeps_the_first_time_and_reply(
    world, published, django_capture_on_commit_callbacks
):
    alert = send(world)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.recipient_acknowledge(
            alert_id=alert.pk, user=world.volunteer, reply=" 已联系上 "
        )
    assert row.acknowledged_at and row.opened_at and row.reply == "已联系上"
    first = row.acknowledged_at
    again = services.recipient_acknowledge(
        alert_id=alert.pk, user=world.volunteer, reply="需要支援"
    )
    assert (again.acknowledged_at, again.reply) == (first, "已联系上")
    ((to, progress),) = events_of(published, "alert.progress")
    assert to == {world.coordinator.pk}
    assert progress["payload"]["newly"] == ["opened", "acknowledged"]
    assert progress["payload"]["reply"] == "已联系上"
    ((to, done),) = events_of(published, "alert.done")
    assert to == {world.volunteer.pk}


def test_a_reply_over_100_characters_or_a_stranger_is_refused(world):
    alert = send(world)
    with pytest.raises(ValidationError):
        services.recipient_acknowledge(alert_id=alert.pk, user=world.volunteer, reply="好" * 101)
    with pytest.raises(PermissionDenied):
        services.recipient_acknowledge(alert_id=alert.pk, user=world.learner)
    assert not Recipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_closing_keeps_the_report_and_ends_the_open_banners(
    world, published, django_capture_on_commit_callbacks
):
    alert = send(world)
    services.recipient_acknowledge(alert_id=alert.pk, user=world.lead, reply="已联系上")
    with pytest.raises(PermissionDenied):
        services.alert_close(alert=alert, closed_by=world.yuexiu_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.alert_close(alert=alert, closed_by=world.coordinator)
    assert closed.status == Alert.Status.CLOSED
    assert closed.report["summary"]["acknowledged"] == 1
    assert closed.report["summary"]["total"] == 6
    ((to, _event),) = [e for e in events_of(published, "alert.done") if len(e[0]) > 1]
    assert to == {u.pk for u in world.county_people - {world.lead}}
    with pytest.raises(ValidationError):
        services.alert_close(alert=closed, closed_by=world.coordinator)
    with pytest.raises(ValidationError):
        services.recipient_acknowledge(alert_id=alert.pk, user=world.volunteer)
    assert AuditEvent.objects.filter(action="alert.closed", actor=world.coordinator).exists()


def test_delivery_is_recorded_once_and_opening_only_when_seen(
    world, published, django_capture_on_commit_callbacks
):
    alert = send(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.recipient_delivered(alert_id=alert.pk, user=world.volunteer, seen=False)
        services.recipient_delivered(alert_id=alert.pk, user=world.volunteer, seen=True)
        services.recipient_delivered(alert_id=alert.pk, user=world.volunteer, seen=True)
    row = Recipient.objects.get(alert=alert, user=world.volunteer)
    assert row.delivered_at and row.opened_at and row.delivered_at <= row.opened_at
    steps = [e["payload"]["newly"] for _to, e in events_of(published, "alert.progress")]
    assert steps == [["delivered"], ["opened"]]
    assert services.recipient_delivered(alert_id=alert.pk, user=world.outsider, seen=True) is None


def test_opened_by_a_page_load(world):
    alert = send(world)
    row = Recipient.objects.select_related("alert").get(alert=alert, user=world.partner)
    services.recipients_opened(recipients=[row])
    row.refresh_from_db()
    assert row.opened_at is not None and row.delivered_at is None
    assert timezone.now() >= row.opened_at
