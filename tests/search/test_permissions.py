"""Who finds what, on both backends (the Elasticsearch one against a STAND-IN server, see
conftest.py): the permission filter is part of the query, so these are results, not pages that
hide rows. Roles: anonymous, volunteer, partner, coordinator of the region (天河区), coordinator
of another province (四川 武侯区), education officer, admin. Data: the demo (`seed_demo`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

import search
from partners import services as partner_services
from partners.models import Organisation
from portal import changes
from portal.models import Region
from tests.search.conftest import kinds_of, titles_of
from volunteers.models import VolunteerProfile
from volunteers.services import activities

pytestmark = pytest.mark.django_db
NOBODY_SPECIAL = ("anonymous", "volunteer", "partner", "editor")


def user(indexed, role):
    return None if role == "anonymous" else getattr(indexed, role)


def group_codes(results):
    return {
        t
        for t, k in zip(titles_of(results), [h.kind for h in results.hits], strict=True)
        if k == "group"
    }


@pytest.mark.parametrize("role", NOBODY_SPECIAL)
def test_people_and_groups_are_not_found_by_anyone_but_coordinators(indexed, role):
    who = user(indexed, role)
    for text in ("矫正小组", "危险驾驶", "志愿者", "社工", "天河区"):
        found = kinds_of(search.query(who, text, {}, 1))
        assert not found & {"group", "volunteer"}, (role, text, found)


def test_the_coordinator_finds_the_groups_and_people_of_their_region_only(indexed):
    results = search.query(indexed.coordinator, "矫正小组", {"kind": "group"}, 1)
    codes = group_codes(results)
    assert codes and all(code.startswith("GD-440106-") for code in codes)
    people = search.query(indexed.coordinator, "志愿者", {"kind": "volunteer"}, 1)
    assert people.total
    tianhe = Region.objects.get(code="440106")
    for hit in people.hits:
        regions = VolunteerProfile.objects.get(pk=hit.object_id).regions.all()
        assert any(tianhe.covers(r) for r in regions)


def test_a_coordinator_of_another_province_sees_only_theirs(indexed):
    codes = group_codes(search.query(indexed.other_coordinator, "矫正小组", {"kind": "group"}, 1))
    assert codes and all("-510107-" in code for code in codes)
    # 危险驾驶: the groups of 天河区 and 宝山区 are not theirs.
    assert "group" not in kinds_of(search.query(indexed.other_coordinator, "危险驾驶", {}, 1))


def test_an_admin_sees_every_region(indexed):
    codes = group_codes(search.query(indexed.admin, "矫正小组", {"kind": "group"}, 1))
    assert any("-440106-" in c for c in codes) and any("-510107-" in c for c in codes)


def test_a_volunteer_finds_activities_of_the_region_they_serve_until_they_end(
    indexed, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(days=3)
    data = activities.ActivityData(
        title="社区矫正普法宣传志愿活动",
        region=Region.objects.get(code="440106006"),
        place="石牌街社区服务中心",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=10,
    )
    with django_capture_on_commit_callbacks(execute=True):
        activity = activities.activity_create(data=data, created_by=indexed.coordinator)

    def finds(who):
        return "activity" in kinds_of(search.query(who, "普法宣传", {}, 1))

    assert finds(indexed.volunteer) and finds(indexed.coordinator) and finds(indexed.admin)
    assert not finds(None) and not finds(indexed.partner) and not finds(indexed.editor)
    assert not finds(indexed.other_coordinator)
    # After it ended: still the coordinator's record, no longer the volunteer's to join.
    type(activity).objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        changes.announce(activity, what={"updated"})
    assert finds(indexed.coordinator) and not finds(indexed.volunteer)


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "editor", "coordinator", "admin"])
def test_an_unpublished_lesson_is_found_by_nobody(
    indexed, role, django_capture_on_commit_callbacks
):
    from curriculum.models import LessonPage

    lesson = LessonPage.objects.get(title="醉驾的法律后果")
    assert "醉驾的法律后果" in titles_of(search.query(user(indexed, role), "醉驾", {}, 1))
    with django_capture_on_commit_callbacks(execute=True):
        lesson.unpublish()
    assert "醉驾的法律后果" not in titles_of(search.query(user(indexed, role), "醉驾", {}, 1))


def test_an_organisation_that_is_not_verified_is_found_by_nobody_nor_are_its_jobs(
    indexed, django_capture_on_commit_callbacks
):
    org = Organisation.objects.get(name="广州粤新制造有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.organisation_reject(
            organisation=org, reason="营业执照已过期", rejected_by=indexed.admin
        )
    for who in (None, indexed.partner, indexed.coordinator, indexed.admin):
        results = search.query(who, "数控车床", {}, 1)
        assert results.total == 0
        assert "广州粤新制造有限公司" not in titles_of(search.query(who, "粤新", {}, 1))
