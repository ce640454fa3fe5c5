"""Activity pages: the list (a volunteer sees their regions', a coordinator their region's),
publishing through the form (coordinators of the region only) and cancelling a sign-up (only
one's own; the first on the waiting list moves up)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.volunteers import factories as vf
from volunteers.models import Activity, SignUp


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("person", "listed"),
    [("coordinator", True), ("volunteer", True), ("other_coordinator", False),
     ("outsider", False), ("partner", False)],
)  # fmt: skip
def test_the_list_shows_activities_only_to_people_of_their_region(
    world, client_for, person, listed
):
    vf.activity(world.regions["440106005"], created_by=world.coordinator, title="社区普法宣传")
    response = client_for(getattr(world, person)).get(reverse("volunteers:activities"))
    assert response.status_code == 200
    assert ("社区普法宣传" in response.content.decode()) == listed


def test_the_list_needs_a_login(world, client_for):
    response = client_for(None).get(reverse("volunteers:activities"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_coordinator_publishes_through_the_form(world, client_for):
    client = client_for(world.coordinator)
    form = client.get(reverse("volunteers:activity_create")).context["form"]
    assert world.regions["510107001"] not in form.fields["region"].queryset
    start = timezone.now() + timedelta(days=5)
    response = client.post(
        reverse("volunteers:activity_create"),
        {
            "title": "重阳节敬老服务",
            "region": world.regions["440106005"].pk,
            "place": "石牌街敬老院",
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=2)),
            "capacity": 8,
        },
    )
    activity = Activity.objects.get(title="重阳节敬老服务")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:activity_detail", args=[activity.pk])
    assert (activity.created_by, activity.capacity) == (world.coordinator, 8)


def test_a_coordinator_cannot_publish_outside_their_region(world, client_for):
    start = timezone.now() + timedelta(days=5)
    response = client_for(world.coordinator).post(
        reverse("volunteers:activity_create"),
        {
            "title": "跨区活动",
            "region": world.regions["510107001"].pk,
            "place": "浆洗街",
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=2)),
            "capacity": 8,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("volunteer", 404), ("lead", 404), ("partner", 404), ("anonymous", 302)],
)
def test_nobody_but_a_coordinator_opens_the_publish_form(world, client_for, person, status):
    client = client_for(getattr(world, person))
    assert client.get(reverse("volunteers:activity_create")).status_code == status
    start = timezone.now() + timedelta(days=5)
    client.post(
        reverse("volunteers:activity_create"),
        {
            "title": "冒名活动",
            "region": world.regions["440106005"].pk,
            "place": "石牌街",
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=2)),
            "capacity": 8,
        },
    )
    assert not Activity.objects.exists()


def test_cancelling_gives_the_place_to_the_first_on_the_waiting_list(world, client_for):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator, capacity=1)
    waiting = vf.profile(real_name="候补者", regions=("440106",))
    mine = SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")
    theirs = SignUp.objects.create(activity=activity, profile=waiting, status="waiting")

    response = client_for(world.volunteer).post(
        reverse("volunteers:activity_cancel", args=[activity.pk]), follow=True
    )
    assert response.redirect_chain == [
        (reverse("volunteers:activity_detail", args=[activity.pk]), 302)
    ]
    assert "已取消报名。" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("cancelled", "confirmed")


@pytest.mark.parametrize(("person", "status"), [("outsider", 404), ("anonymous", 302)])
def test_nobody_cancels_someone_elses_sign_up(world, client_for, person, status):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    signup = SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")
    client = client_for(getattr(world, person))
    response = client.post(reverse("volunteers:activity_cancel", args=[activity.pk]))
    assert response.status_code == status
    signup.refresh_from_db()
    assert signup.status == "confirmed"


def test_cancelling_is_a_post(world, client_for):
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    SignUp.objects.create(activity=activity, profile=world.profile, status="confirmed")
    response = client_for(world.volunteer).get(
        reverse("volunteers:activity_cancel", args=[activity.pk])
    )
    assert response.status_code == 405
    assert SignUp.objects.get().status == "confirmed"


def test_the_sign_up_button_says_报名_not_注册(world, client_for):
    """ "Sign up" on an activity is 报名; the header's account sign-up is 注册."""
    activity = vf.activity(world.regions["440106005"], created_by=world.coordinator)
    page = client_for(world.volunteer).get(
        reverse("volunteers:activity_detail", args=[activity.pk])
    )
    assert page.status_code == 200
    button = page.content.decode().split(
        reverse("volunteers:activity_sign_up", args=[activity.pk])
    )[1]
    assert ">报名</button>" in button.split("</form>")[0]
