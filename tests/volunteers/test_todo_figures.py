"""An approved volunteer's figures on /me/ (volunteers.todos): activities near them are those in
or beneath any region they serve, whatever the number of regions; each number of regions has its
own compiled query (portal.prepared), so a volunteer of one region and one of three must each
get their own count, in the same number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.selectors import user_roles
from tests import factories
from tests.volunteers import factories as vf
from volunteers import todos
from volunteers.models import VolunteerProfile
from volunteers.selectors import profiles_visible_to
from volunteers.stars import star_progress

pytestmark = pytest.mark.django_db


def nearby(profile) -> tuple[int, bool]:
    found = [
        t for t in todos.items(profile.user, set()) if t.url == reverse("volunteers:activities")
    ]
    assert len(found) == 1
    return found[0].count, found[0].more


@pytest.fixture
def activities(world):
    made = {}
    for code, n in (("440106005", 2), ("440106006", 1), ("510107001", 1), ("440104003", 1)):
        made[code] = [
            vf.activity(world.regions[code], created_by=world.coordinator, title=f"{code}-{i}")
            for i in range(n)
        ]
    # Over already: never nearby.
    vf.activity(
        world.regions["440106005"], created_by=world.coordinator, starts_in=-timedelta(days=2)
    )
    return made


@pytest.mark.parametrize(
    ("serves", "expected"),
    [
        ((), 0),
        (("440106005",), 2),
        (("440106",), 3),
        (("440106005", "510107"), 3),
        (("440106005", "440106006", "510107"), 4),
        (("440000", "510000"), 5),
    ],
)
def test_activities_nearby_are_those_in_or_beneath_the_regions_served(activities, serves, expected):
    assert nearby(vf.profile(regions=serves)) == (expected, False)


def test_volunteers_of_one_and_of_three_regions_each_get_their_own_count_in_as_many_queries(
    activities, django_assert_num_queries
):
    one, three = (
        vf.profile(regions=("440104",)),
        vf.profile(regions=("440104", "510107", "440106006")),
    )
    nearby(one), nearby(three)  # compiled once each
    for profile, expected in ((one, 1), (three, 3), (one, 1)):
        with django_assert_num_queries(2):  # the profile with its regions, its figures
            assert nearby(profile) == (expected, False)


def stars(user):
    (found,) = [t for t in todos.items(user, set()) if t.percent is not None]
    return found


def test_stars_count_the_volunteers_own_confirmed_hours(world):
    other = vf.profile(regions=("440106",))
    for day in (1, 2, 3):
        vf.record(
            other, region=world.regions["440106005"], hours="10", status="confirmed", days_ago=day
        )
    vf.record(other, region=world.regions["440106005"], hours="5")  # not confirmed yet
    assert (stars(other.user).label, stars(other.user).percent) == (
        f"星级：{star_progress(Decimal(30)).stars} / 5",
        star_progress(Decimal(30)).percent,
    )
    assert stars(world.volunteer).percent == star_progress(0).percent


def deciders_items(user) -> dict:
    return {
        t.url: t.count
        for t in todos.items(user, user_roles(user))
        if t.url in (reverse("volunteers:queue"), reverse("volunteers:hours_review"))
    }


def test_coordinators_of_one_or_more_regions_count_their_own_profiles_and_hours(world, regions):
    vf.profile(status=VolunteerProfile.Status.SUBMITTED, regions=("510107",))
    vf.profile(status=VolunteerProfile.Status.SUBMITTED, regions=("440104",))
    vf.record(world.profile, region=regions["440106005"], group=world.group)
    vf.record(world.profile, region=regions["510107001"])
    both = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(user=both, region=regions["510107"])
    queue, hours = reverse("volunteers:queue"), reverse("volunteers:hours_review")
    expected = {
        world.coordinator: {queue: 1, hours: 1},  # 天河区: the applicant; the group's record
        world.other_coordinator: {queue: 1, hours: 1},  # 武侯区
        both: {queue: 2, hours: 1},  # 越秀区 and 武侯区
        factories.AdminFactory(): {queue: 3, hours: 2},
        world.lead: {hours: 1},  # leads the group: its record, no vetting
        world.volunteer: {},
    }
    for user, figures in expected.items():
        assert deciders_items(user) == figures, user
        if queue in figures:  # as the queue itself counts them
            assert (
                figures[queue]
                == profiles_visible_to(user)
                .filter(status=VolunteerProfile.Status.SUBMITTED)
                .count()
            )


def test_a_coordinators_figures_are_one_query_however_many_regions(
    world, regions, django_assert_num_queries
):
    many = factories.coordinator(regions["440104"])
    for code in ("440106005", "510107"):
        factories.StaffRoleFactory(user=many, region=regions[code])
    for user in (world.coordinator, many, factories.AdminFactory(), world.coordinator):
        deciders_items(user)  # reads the roles (and compiles)
        with django_assert_num_queries(1):
            deciders_items(user)
