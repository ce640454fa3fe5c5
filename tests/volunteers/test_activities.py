"""Activities: publishing, sign-ups with a waiting list and overlap warnings, the check-in code
and its QR image, check-out recording hours, and the private iCal feed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.volunteers import factories as vf
from volunteers import services
from volunteers.models import Activity, ServiceRecord, SignUp
from volunteers.services.activities import ActivityData, hours_between


def data(world, **changes):
    start = timezone.now() + timedelta(days=2)
    values = {
        "title": "社区普法宣传",
        "region": world.regions["440106005"],
        "place": "石牌街文化广场",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": 1,
    }
    values.update(changes)
    return ActivityData(**values)


def test_a_coordinator_publishes_with_a_six_digit_code(world):
    activity = services.activity_create(data=data(world), created_by=world.coordinator)
    assert len(activity.checkin_code) == 6 and activity.checkin_code.isdigit()


def test_nobody_else_publishes_and_bad_times_are_refused(world):
    with pytest.raises(PermissionDenied):
        services.activity_create(data=data(world), created_by=world.other_coordinator)
    with pytest.raises(ValidationError):
        services.activity_create(
            data=data(world, ends_at=timezone.now()), created_by=world.coordinator
        )
    assert not Activity.objects.exists()


def test_a_full_activity_puts_people_on_the_waiting_list_and_a_cancellation_moves_them_up(world):
    activity = services.activity_create(data=data(world), created_by=world.coordinator)
    second = vf.profile(real_name="候补者")
    first_signup, _ = services.signup_create(activity=activity, profile=world.profile)
    waiting, _ = services.signup_create(activity=activity, profile=second)
    assert (first_signup.status, waiting.status) == ("confirmed", "waiting")
    with pytest.raises(ValidationError):
        services.signup_create(activity=activity, profile=world.profile)
    services.signup_cancel(signup=first_signup, by=world.volunteer)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_overlapping_sign_ups_are_warned_about(world):
    one = services.activity_create(data=data(world, capacity=5), created_by=world.coordinator)
    two = services.activity_create(
        data=data(world, title="家庭教育讲座", starts_at=one.starts_at + timedelta(hours=1)),
        created_by=world.coordinator,
    )
    _, overlaps = services.signup_create(activity=one, profile=world.profile)
    assert overlaps == []
    _, overlaps = services.signup_create(activity=two, profile=world.profile)
    assert [o.activity for o in overlaps] == [one]


def test_check_in_needs_the_code_and_check_out_logs_hours_for_confirmation(world):
    activity = vf.activity(
        world.regions["440106005"], created_by=world.coordinator, starts_in=timedelta(minutes=10)
    )
    signup = SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")
    with pytest.raises(ValidationError):
        services.activity_check_in(activity=activity, profile=world.profile, code="000000")
    services.activity_check_in(activity=activity, profile=world.profile, code="246810")
    signup.refresh_from_db()
    signup.checked_in_at = timezone.now() - timedelta(hours=2, minutes=40)
    signup.save()
    record = services.activity_check_out(signup=signup)
    assert record.hours == 2.5 and record.activity == activity and record.status == "pending"
    services.service_record_decide(record=record, confirm=True, decided_by=world.coordinator)
    assert ServiceRecord.objects.get().status == "confirmed"
    with pytest.raises(ValidationError):
        services.activity_check_out(signup=signup)


def test_hours_between_rounds_down_to_half_hours_within_limits():
    start = timezone.now()
    assert hours_between(start, start + timedelta(minutes=10)) == 0.5
    assert hours_between(start, start + timedelta(minutes=95)) == 1.5
    assert hours_between(start, start + timedelta(hours=20)) == 12


@pytest.mark.parametrize(
    ("person", "status"),
    [("coordinator", 200), ("volunteer", 200), ("other_coordinator", 404), ("outsider", 404),
     ("partner", 404), ("anonymous", 302)],
)  # fmt: skip
def test_who_sees_an_activity(world, client_for, person, status):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    response = client_for(getattr(world, person)).get(
        reverse("volunteers:activity_detail", args=[activity.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("person", "status"), [("coordinator", 200), ("volunteer", 404)])
def test_only_the_organiser_gets_the_qr_image(world, client_for, person, status):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    response = client_for(getattr(world, person)).get(
        reverse("volunteers:activity_qr", args=[activity.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")


def test_signing_up_checking_in_and_out_through_the_pages(world, client_for):
    activity = vf.activity(
        world.regions["440106005"], created_by=world.coordinator, starts_in=timedelta(minutes=10)
    )
    client = client_for(world.volunteer)
    client.post(reverse("volunteers:activity_sign_up", args=[activity.pk]))
    assert SignUp.objects.get().status == "confirmed"
    page = client.get(
        reverse("volunteers:activity_checkin", args=[activity.pk]), {"code": "246810"}
    ).content.decode()
    assert 'value="246810"' in page
    response = client.post(
        reverse("volunteers:activity_checkin", args=[activity.pk]), {"code": "123456"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    client.post(reverse("volunteers:activity_checkin", args=[activity.pk]), {"code": "246810"})
    client.post(reverse("volunteers:activity_checkout", args=[activity.pk]))
    assert ServiceRecord.objects.get().activity == activity


@pytest.mark.parametrize("code", ["２４６８１０", "٢٤٦٨١٠", "24681０"])
def test_a_code_in_other_digits_is_refused_with_the_forms_message(world, client_for, code):
    """Full-width or Arabic-Indic digits are digits to a regex's \\d, not to the code check: the
    form must refuse them (before this, the comparison raised and the page answered 500)."""
    activity = vf.activity(
        world.regions["440106005"], created_by=world.coordinator, starts_in=timedelta(minutes=10)
    )
    client = client_for(world.volunteer)
    client.post(reverse("volunteers:activity_sign_up", args=[activity.pk]))
    response = client.post(
        reverse("volunteers:activity_checkin", args=[activity.pk]), {"code": code}
    )
    assert response.status_code == 200
    assert "签到码为 6 位数字" in response.content.decode()
    sign_up = SignUp.objects.get()
    assert sign_up.checked_in_at is None and sign_up.checkin_failures == 0


def test_the_ical_feed_lists_my_activities_behind_a_private_token(world, client_for):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")
    url = reverse("volunteers:calendar", args=[world.profile.calendar_token])
    response = client_for(None).get(url)
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["社区法律咨询日"]
    assert client_for(None).get(reverse("volunteers:calendar", args=["guess"])).status_code == 404
    mine = client_for(world.volunteer).get(reverse("volunteers:my_activities")).content.decode()
    assert world.profile.calendar_token in mine and "社区法律咨询日" in mine
