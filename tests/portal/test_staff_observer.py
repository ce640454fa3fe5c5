"""The rights table (portal.rights) and the observer it introduces: leadership reads the region's
figures and reports, and nothing personal (no group, no person, no audit trail)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from portal import rights
from portal.models import StaffRole
from tests import factories
from tests.groups.conftest import group_data

Role = StaffRole.Role


@pytest.fixture
def world(regions, reference_data):
    """A correction group in 石牌街司法所 and the coordinator of 天河区 who created it."""
    from groups import services as group_services

    coordinator = factories.coordinator(regions["440106"])
    group = group_services.group_create(data=group_data(regions), created_by=coordinator)
    return SimpleNamespace(group=group, coordinator=coordinator)


@pytest.fixture
def observer(regions):
    return factories.StaffRoleFactory(
        role=Role.OBSERVER, region=regions["440106"], user__display_name="区领导"
    ).user


# -- the table --------------------------------------------------------------------------------


def test_an_observer_holds_the_reports_right_only():
    assert rights.RIGHTS[Role.OBSERVER] == {rights.REPORTS_VIEW}
    assert rights.roles_with(rights.GROUPS_VIEW_REGION) == {Role.COORDINATOR}
    assert rights.roles_with(rights.STAFF_MANAGE) == {Role.COORDINATOR}
    assert set(rights.RIGHTS) == set(Role.values)


def test_a_right_covers_the_region_and_everything_beneath_only(regions, observer):
    assert rights.has_right(observer, rights.REPORTS_VIEW, regions["440106"])
    assert rights.has_right(observer, rights.REPORTS_VIEW, regions["440106005"])
    for code in ("440000", "440100", "440104", "510107"):
        assert not rights.has_right(observer, rights.REPORTS_VIEW, regions[code])
    assert sorted(r.code for r in rights.regions_with(observer, rights.REPORTS_VIEW)) == [
        "440106",
        "440106005",
        "440106006",
    ]
    assert not rights.has_right(observer, rights.GROUPS_VIEW_REGION)


def test_admins_hold_every_right_and_strangers_none(regions):
    from django.contrib.auth.models import AnonymousUser

    admin = factories.AdminFactory()
    for right in rights.ALL_RIGHTS:
        assert rights.has_right(admin, right, regions["510107"])
        assert not rights.has_right(AnonymousUser(), right)
        assert not rights.has_right(factories.VolunteerFactory(), right)
    with pytest.raises(KeyError):
        rights.has_right(admin, "everything")


def test_the_rights_of_a_page_cost_one_query(regions, observer, django_assert_num_queries):
    with django_assert_num_queries(1):
        for right in rights.ALL_RIGHTS:
            rights.has_right(observer, right, regions["440106005"])
        assert rights.rights_of(observer) == {rights.REPORTS_VIEW}


# -- the observer's pages ---------------------------------------------------------------------


def test_an_observer_reads_the_learning_report_of_their_region_without_links_to_groups(
    client_for,
    world,
    observer,
):
    response = client_for(observer).get(reverse("curriculum:report"), {"region": "440106"})
    assert response.status_code == 200
    assert response.context["summary"]["groups"] == 1
    page = response.content.decode()
    assert world.group.code in page
    assert reverse("curriculum:group", args=[world.group.code]) not in page
    # The coordinator's report links each group to its learning record.
    coordinator_page = client_for(world.coordinator).get(reverse("curriculum:report")).content
    assert reverse("curriculum:group", args=[world.group.code]) in coordinator_page.decode()


def test_an_observer_reads_no_other_region(client_for, world, regions):
    sibling = factories.StaffRoleFactory(role=Role.OBSERVER, region=regions["440104"]).user
    response = client_for(sibling).get(reverse("curriculum:report"), {"region": "440106"})
    assert response.context["form"].errors["region"]
    assert world.group.code not in response.content.decode()


def test_an_observer_opens_nothing_personal(client_for, world, observer):
    client = client_for(observer)
    for url in (
        reverse("groups:list"),
        reverse("groups:detail", args=[world.group.code]),
        reverse("curriculum:group", args=[world.group.code]),
        reverse("volunteers:queue"),
        reverse("volunteers:directory"),
        reverse("portal:audit_log"),
        reverse("staff:list"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_observers_menu_has_the_report_and_no_personal_pages(client_for, observer):
    page = client_for(observer).get(reverse("portal:dashboard")).content.decode()
    assert reverse("curriculum:report") in page
    for url in (reverse("groups:list"), reverse("volunteers:queue"), reverse("staff:list")):
        assert f'href="{url}"' not in page
