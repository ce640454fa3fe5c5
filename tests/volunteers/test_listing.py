"""The queue and directory keep their count, rows and filter form in the cache (volunteers.listing):
a cached visit shows what a fresh one would, every change shows at once, and coordinators of
different regions never see each other's lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import services as portal_services
from portal.models import Region
from tests import factories
from tests.volunteers import factories as vf
from volunteers import listing
from volunteers.models import Skill, VolunteerProfile
from volunteers.services.vetting import Decision, profile_decide

CSRF = re.compile(r'(csrfmiddlewaretoken" value|data-csrf)="[^"]*"')  # new each response


def page(client, name, params=None):
    response = client.get(reverse(f"volunteers:{name}"), params or {})
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def test_a_cached_visit_shows_what_a_fresh_one_does(world, client_for):
    for i in range(30):
        vf.profile(status="submitted", real_name=f"申请人{i:02d}", regions=("440106005",))
    client = client_for(world.coordinator)
    for name, params in (
        ("queue", {}),
        ("queue", {"page": "2"}),
        ("directory", {"skill": "legal_aid", "region": "440106", "kind": "volunteer"}),
        ("directory", {"region": "nowhere"}),  # refused by the form: nobody, and its error
    ):
        fresh = page(client, name, params)
        cached = page(client, name, params)
        assert cached == fresh
        listing.forget()
        assert page(client, name, params) == fresh


def test_a_cached_visit_reads_no_profiles(world, client_for):
    client = client_for(world.coordinator)
    params = {"skill": "legal_aid", "region": "440106", "page": "1"}
    page(client, "directory", params)
    with CaptureQueriesContext(connection) as queries:
        assert "陈静" in page(client, "directory", params)
    read = [
        q["sql"] for q in queries if re.search(r'FROM "(volunteers_\w+|portal_region)"', q["sql"])
    ]
    assert read == []


def test_a_decision_shows_at_once(world, client_for):
    client = client_for(world.coordinator)
    queue = page(client, "queue")
    assert "陈静" in queue and "1 人" in queue
    profile_decide(profile=world.applicant, decision=Decision.APPROVE, decided_by=world.coordinator)
    queue = page(client, "queue")
    assert "陈静" not in queue and "0 人" in queue
    directory = page(client, "directory", {"status": "approved"})
    assert "陈静" in directory


def test_submitting_regions_skills_and_names_show_at_once(world, client_for):
    client = client_for(world.coordinator)
    user = factories.VolunteerFactory(display_name="无名氏")
    draft = vf.profile(user, status="draft", real_name="", regions=("440104",))
    assert "无名氏" not in page(client, "directory")  # 越秀区: not theirs

    draft.regions.set([world.regions["440106006"]])
    assert "无名氏" in page(client, "directory")
    assert "天河南街司法所" in page(client, "directory")

    draft.user.display_name = "新名字"
    draft.user.save()
    assert "新名字" in page(client, "directory")

    Region.objects.filter(code="440106006").update(name="改名司法所")
    region = Region.objects.get(code="440106006")
    region.save()
    assert "改名司法所" in page(client, "directory")

    draft.skills.set([Skill.objects.get(code="it")])
    assert "新名字" in page(client, "directory", {"skill": "it"})

    draft.status = VolunteerProfile.Status.SUBMITTED
    draft.save()
    assert "新名字" in page(client, "queue")

    draft.delete()
    assert "新名字" not in page(client, "directory")


def test_coordinators_of_other_regions_never_share_a_list(world, client_for):
    vf.profile(status="submitted", real_name="蜀中人", regions=("510107001",))
    tianhe, wuhou = client_for(world.coordinator), client_for(world.other_coordinator)
    city = client_for(world.city_coordinator)
    for _ in range(2):  # the second round is served from the cache
        assert "陈静" in page(tianhe, "queue") and "蜀中人" not in page(tianhe, "queue")
        assert "蜀中人" in page(wuhou, "queue") and "陈静" not in page(wuhou, "queue")
        assert "陈静" in page(city, "queue") and "蜀中人" not in page(city, "queue")
        # The region filter offers only the regions each covers.
        assert "武侯区" not in page(tianhe, "directory") and "天河区" not in page(
            wuhou, "directory"
        )


def test_a_new_role_widens_the_list_at_once(world, client_for):
    vf.profile(status="submitted", real_name="蜀中人", regions=("510107001",))
    client = client_for(world.coordinator)
    assert "蜀中人" not in page(client, "queue")
    portal_services.staff_role_grant(
        user=world.coordinator,
        role="coordinator",
        region=world.regions["510107"],
        granted_by=None,
    )
    client = client_for(world.coordinator)  # the grant is read on the next request's user
    assert "蜀中人" in page(client, "queue")


def test_imported_people_are_listed_at_once(world, client_for):
    from tests.volunteers.test_import_announces import upload
    from volunteers.services.imports import volunteers_import

    client = client_for(world.coordinator)
    assert "王建华" not in page(client, "directory")
    report = volunteers_import(upload=upload(), coordinator=world.coordinator, dry_run=False)
    assert report.imported == 3
    assert "王建华" in page(client, "directory")


def test_each_language_has_its_own_rows(world, client_for):
    client = client_for(world.coordinator)
    assert "待审核" in page(client, "queue")
    client.cookies["django_language"] = "en"
    english = page(client, "queue")
    assert "Submitted" in english and "Volunteer vetting" in english


@pytest.mark.parametrize("size", [5, 60])
def test_cached_visits_run_fewer_queries(world, client_for, size, django_assert_max_num_queries):
    vf.profile(status="submitted", real_name="某人", regions=("440106",))
    for _ in range(size):
        vf.profile(status="submitted", real_name="某人", regions=("440106",), skills=("it",))
    client = client_for(factories.coordinator(world.regions["440000"]))
    params = {"kind": "volunteer", "skill": "it", "page": "2"}
    page(client, "directory", params)
    with django_assert_max_num_queries(10):
        page(client, "directory", params)
