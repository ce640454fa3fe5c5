"""The check-in code cannot be guessed: a person has five wrong tries per activity, then waits a
quarter of an hour; and a code is taken only in the activity's window (half an hour before the
start until its end), even the right one."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.volunteers import factories as vf
from volunteers import services
from volunteers.models import SignUp
from volunteers.services.activities import CHECKIN_ATTEMPTS, CHECKIN_LOCKOUT

RIGHT, WRONG = "246810", "111111"


def place(world, **activity):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator, **activity)
    return SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")


def check_in(signup, code):
    return services.activity_check_in(activity=signup.activity, profile=signup.profile, code=code)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_five_wrong_codes_lock_the_person_out_even_with_the_right_code(world):
    signup = place(world, starts_in=timedelta(minutes=5))
    for left in range(CHECKIN_ATTEMPTS - 1, -1, -1):
        with pytest.raises(ValidationError) as wrong:
            check_in(signup, WRONG)
        assert "签到码不正确" in messages(wrong.value)
        assert (f"还可尝试 {left} 次" if left else "15 分钟内不能再试") in messages(wrong.value)
    with pytest.raises(ValidationError) as locked:
        check_in(signup, RIGHT)
    assert "错误次数过多" in messages(locked.value)
    signup.refresh_from_db()
    assert signup.checked_in_at is None and signup.checkin_failures == CHECKIN_ATTEMPTS


def test_the_count_is_per_person_and_activity_and_a_quarter_hour_later_they_may_try_again(world):
    signup = place(world, starts_in=timedelta(minutes=5))
    other = vf.profile(real_name="王芳")
    neighbour = SignUp.objects.create(activity=signup.activity, profile=other, status="confirmed")
    for _ in range(CHECKIN_ATTEMPTS):
        with pytest.raises(ValidationError):
            check_in(signup, WRONG)
    # Someone else at the same activity is not locked out by it.
    assert check_in(neighbour, RIGHT).checked_in_at is not None
    SignUp.objects.filter(pk=signup.pk).update(
        checkin_failed_at=timezone.now() - CHECKIN_LOCKOUT - timedelta(seconds=1)
    )
    assert check_in(signup, RIGHT).checked_in_at is not None


def test_a_wrong_code_says_how_many_tries_are_left(world):
    signup = place(world, starts_in=timedelta(minutes=5))
    with pytest.raises(ValidationError) as wrong:
        check_in(signup, WRONG)
    assert f"还可尝试 {CHECKIN_ATTEMPTS - 1} 次" in messages(wrong.value)


@pytest.mark.parametrize(
    ("starts_in", "hours"),
    [(timedelta(hours=2), 3), (timedelta(hours=-4), 3)],
    ids=["before-the-window", "after-the-end"],
)
def test_the_right_code_outside_the_window_is_refused_and_counts_nothing(world, starts_in, hours):
    signup = place(world, starts_in=starts_in, hours=hours)
    with pytest.raises(ValidationError) as refused:
        check_in(signup, RIGHT)
    assert "签到开放时间" in messages(refused.value)
    signup.refresh_from_db()
    assert signup.checked_in_at is None and signup.checkin_failures == 0


def test_check_in_opens_half_an_hour_before_the_start_and_stays_open_until_the_end(world):
    early = place(world, starts_in=timedelta(minutes=29))
    assert check_in(early, RIGHT).checked_in_at is not None
    late = place(world, title="结束前签到", starts_in=timedelta(hours=-2, minutes=-59))
    assert check_in(late, RIGHT).checked_in_at is not None


@pytest.mark.parametrize(
    ("person", "status"),
    [("volunteer", 200), ("other_coordinator", 404), ("partner", 404), ("anonymous", 302)],
)
def test_the_page_shows_the_lock_and_writes_nothing(world, client_for, person, status):
    signup = place(world, starts_in=timedelta(minutes=5))
    SignUp.objects.filter(pk=signup.pk).update(
        checkin_failures=CHECKIN_ATTEMPTS, checkin_failed_at=timezone.now()
    )
    url = reverse("volunteers:activity_checkin", args=[signup.activity.pk])
    response = client_for(getattr(world, person)).post(url, {"code": RIGHT})
    assert response.status_code == status
    if status == 200:
        assert "错误次数过多" in response.content.decode()
    signup.refresh_from_db()
    assert signup.checked_in_at is None
