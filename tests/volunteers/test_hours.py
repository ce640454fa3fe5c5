"""Service hours: the rules for logging, who confirms, totals and star levels."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from messaging.models import Notification
from portal.models import AuditEvent
from tests.volunteers import factories as vf
from volunteers import selectors, services
from volunteers.models import ServiceRecord, VolunteerProfile
from volunteers.stars import star_progress

TODAY = timezone.localdate


def log(world, **changes):
    data = {
        "profile": world.profile,
        "date": TODAY() - timedelta(days=1),
        "hours": Decimal("2.5"),
        "group": world.group,
        "description": "帮助修改求职简历",
    }
    data.update(changes)
    return services.service_record_log(**data)


def test_a_member_logs_hours_and_the_lead_is_told(world):
    record = log(world)
    assert record.status == ServiceRecord.Status.PENDING
    assert record.region == world.group.judicial_office
    assert Notification.objects.filter(user=world.lead, kind="hours.logged").exists()
    assert AuditEvent.objects.filter(action="volunteer.hours_logged").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "tomorrow"}, "date"),  # worked out when the test runs, not when collected
        ({"hours": Decimal("12.5")}, "hours"),
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("1.3")}, "hours"),
        ({"group": None}, "group"),
    ],
)
def test_bad_hours_are_refused_with_a_reason_and_nothing_is_stored(world, changes, field):
    if changes.get("date") == "tomorrow":
        changes = {**changes, "date": TODAY() + timedelta(days=1)}
    with pytest.raises(ValidationError) as error:
        log(world, **changes)
    assert field in error.value.error_dict
    assert not ServiceRecord.objects.exists()


def test_overlapping_shifts_beyond_twelve_hours_a_day_are_refused(world):
    log(world, hours=Decimal("8"))
    with pytest.raises(ValidationError) as error:
        log(world, hours=Decimal("4.5"))
    assert "hours" in error.value.error_dict
    log(world, hours=Decimal("4"))
    assert ServiceRecord.objects.count() == 2


def test_only_members_of_the_group_and_only_approved_people_log(world):
    outsider = vf.profile(world.outsider)
    with pytest.raises(ValidationError):
        log(world, profile=outsider)
    VolunteerProfile.objects.filter(pk=world.profile.pk).update(status="suspended")
    world.profile.refresh_from_db()
    with pytest.raises(ValidationError):
        log(world)


@pytest.mark.parametrize("who", ["lead", "coordinator", "city_coordinator"])
def test_the_lead_or_a_coordinator_confirms_and_the_total_moves(world, who):
    record = log(world)
    services.service_record_decide(record=record, confirm=True, decided_by=getattr(world, who))
    world.profile.refresh_from_db()
    assert world.profile.confirmed_hours == Decimal("2.5")
    assert selectors.my_totals(world.profile)["confirmed"] == Decimal("2.5")
    assert Notification.objects.filter(user=world.volunteer, kind="hours.decided").exists()


@pytest.mark.parametrize("who", ["volunteer", "outsider", "other_coordinator", "partner"])
def test_nobody_else_confirms(world, who):
    record = log(world)
    with pytest.raises(PermissionDenied):
        services.service_record_decide(record=record, confirm=True, decided_by=getattr(world, who))
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


def test_rejecting_needs_a_reason_and_a_decision_is_final(world):
    record = log(world)
    with pytest.raises(ValidationError):
        services.service_record_decide(record=record, confirm=False, decided_by=world.lead)
    services.service_record_decide(
        record=record, confirm=False, reason="当天小组无活动记录", decided_by=world.lead
    )
    with pytest.raises(ValidationError):
        services.service_record_decide(record=record, confirm=True, decided_by=world.lead)
    world.profile.refresh_from_db()
    assert world.profile.confirmed_hours == 0


def test_totals_per_region_month_and_group_count_confirmed_hours_only(world):
    for hours, confirm in (("2", True), ("3", True), ("1", False)):
        record = log(world, hours=Decimal(hours), date=TODAY() - timedelta(days=2))
        services.service_record_decide(
            record=record,
            confirm=confirm,
            reason="" if confirm else "重复登记",
            decided_by=world.lead,
        )
    totals = selectors.hours_totals(world.coordinator)
    assert [row["hours"] for row in totals["by_group"]] == [Decimal("5")]
    assert sum(row["hours"] for row in totals["by_region_month"]) == Decimal("5")
    assert selectors.hours_totals(world.other_coordinator)["by_group"] == []


@pytest.mark.parametrize(
    ("hours", "stars", "next_threshold", "percent"),
    [
        (0, 0, 100, 0),
        (50, 0, 100, 50),
        (100, 1, 300, 0),
        (450, 2, 600, 50),
        (999.5, 3, 1000, 99),
        (1200, 4, 1500, 40),
        (1500, 5, None, 100),
    ],
)
def test_star_levels_follow_the_national_scale(hours, stars, next_threshold, percent):
    progress = star_progress(Decimal(str(hours)))
    assert (progress.stars, progress.next_threshold, progress.percent) == (
        stars,
        next_threshold,
        percent,
    )
