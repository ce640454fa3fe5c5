"""The coordinator's count of open groups without a volunteer (groups.todos) is compiled once
per process for each number of regions coordinated (portal.prepared): each coordinator must
still get the count of their own regions, the same as the group list's filter gives, and in one
query however many regions they coordinate."""

import pytest
from django.db.models import Count

from groups import services, todos
from groups.models import CorrectionGroup
from groups.selectors import group_list_for_coordinator
from portal.selectors import user_roles
from tests import factories
from tests.groups.conftest import group_data

pytestmark = pytest.mark.django_db


def count(user) -> int:
    (item,) = todos.items(user, user_roles(user))
    return item.count


def listed(user) -> int:
    """What the group list's filter (no volunteer yet, open) counts for the same person."""
    rows = group_list_for_coordinator(user).filter(
        has_volunteer=False, status=CorrectionGroup.Status.ACTIVE
    )
    return rows.aggregate(n=Count("pk"))["n"]


@pytest.fixture
def spread(world, regions):
    """Open groups without a volunteer: two in 石牌街, one in 天河南街, one in 武侯区; and a
    closed one in 石牌街."""
    made = []
    for office, by, county in (
        ("440106005", world.coordinator, "440106"),
        ("440106005", world.coordinator, "440106"),
        ("440106006", world.coordinator, "440106"),
        ("510107001", world.other_coordinator, "510107"),
        ("440106005", world.coordinator, "440106"),
    ):
        made.append(
            services.group_create(
                data=group_data(
                    regions, judicial_office=regions[office], approved_regions=[regions[county]]
                ),
                created_by=by,
            )
        )
    CorrectionGroup.objects.filter(pk=made[-1].pk).update(status=CorrectionGroup.Status.CLOSED)
    return made


def test_each_coordinator_counts_the_groups_of_their_own_regions(world, regions, spread):
    two = factories.coordinator(regions["440106006"])
    factories.StaffRoleFactory(user=two, region=regions["510107"])
    three = factories.coordinator(regions["440104"])
    factories.StaffRoleFactory(user=three, region=regions["440106005"])
    factories.StaffRoleFactory(user=three, region=regions["510107001"])
    expected = {
        world.coordinator: 3,  # 天河区 (its first group has a volunteer)
        world.other_coordinator: 1,  # 武侯区
        world.city_coordinator: 3,  # 广州市
        two: 2,  # 天河南街 and 武侯区
        three: 3,  # 越秀区, 石牌街 and 浆洗街
        factories.coordinator(regions["440104"]): 0,
        factories.AdminFactory(): 4,
    }
    for user, n in expected.items():
        assert (count(user), listed(user)) == (n, n), user


def test_the_count_is_one_query_however_many_regions(
    world, regions, spread, django_assert_num_queries
):
    many = factories.coordinator(regions["440104"])
    for code in ("440106005", "440106006", "510107"):
        factories.StaffRoleFactory(user=many, region=regions[code])
    for user in (world.coordinator, many, world.coordinator):
        user.refresh_from_db()
        count(user)  # reads the roles
        with django_assert_num_queries(1):
            count(user)
