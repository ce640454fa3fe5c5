"""Who may open what: a person their own profile, coordinators the profiles serving their region,
nobody else anything (404). Each page is checked with owner, member, outsider and anonymous."""

import io
import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import AuditEvent
from tests.volunteers import factories as vf
from volunteers.export import HEADERS
from volunteers.models import ServiceRecord, VolunteerProfile
from volunteers.scale import create_people

ALLOWED, HIDDEN, LOGIN = 200, 404, 302

MATRIX = {
    "profile": {
        "volunteer": ALLOWED,
        "lead": ALLOWED,
        "outsider": ALLOWED,
        "partner": HIDDEN,
        "coordinator": HIDDEN,
        "anonymous": LOGIN,
    },
    "queue": {
        "coordinator": ALLOWED,
        "city_coordinator": ALLOWED,
        "other_coordinator": ALLOWED,
        "lead": HIDDEN,
        "volunteer": HIDDEN,
        "partner": HIDDEN,
        "anonymous": LOGIN,
    },
    "directory": {
        "coordinator": ALLOWED,
        "lead": HIDDEN,
        "volunteer": HIDDEN,
        "partner": HIDDEN,
        "anonymous": LOGIN,
    },
    "hours": {
        "volunteer": ALLOWED,
        "partner": HIDDEN,
        "coordinator": HIDDEN,
        "anonymous": LOGIN,
    },
    "hours_review": {
        "coordinator": ALLOWED,
        "lead": ALLOWED,
        "volunteer": HIDDEN,
        "outsider": HIDDEN,
        "partner": HIDDEN,
        "anonymous": LOGIN,
    },
    "hours_export": {
        "coordinator": ALLOWED,
        "lead": HIDDEN,
        "volunteer": HIDDEN,
        "anonymous": LOGIN,
    },
    "import": {
        "coordinator": ALLOWED,
        "lead": HIDDEN,
        "volunteer": HIDDEN,
        "partner": HIDDEN,
        "anonymous": LOGIN,
    },
}
CASES = [(view, person, status) for view, row in MATRIX.items() for person, status in row.items()]

DETAIL = {
    "coordinator": ALLOWED,
    "city_coordinator": ALLOWED,
    "other_coordinator": HIDDEN,
    "lead": HIDDEN,
    "volunteer": HIDDEN,
    "outsider": HIDDEN,
    "partner": HIDDEN,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("view", "person", "status"), CASES)
def test_who_may_open_each_page(world, client_for, view, person, status):
    response = client_for(getattr(world, person)).get(reverse(f"volunteers:{view}"))
    assert response.status_code == status


@pytest.mark.parametrize(("person", "status"), DETAIL.items())
def test_only_coordinators_of_a_served_region_see_a_profile(world, client_for, person, status):
    response = client_for(getattr(world, person)).get(
        reverse("volunteers:profile_detail", args=[world.applicant.pk])
    )
    assert response.status_code == status
    viewed = AuditEvent.objects.filter(action="volunteer.profile_viewed")
    if status == ALLOWED:
        assert world.applicant.id_masked in response.content.decode()
        assert viewed.get().actor == getattr(world, person)
    else:
        assert not viewed.exists()


def test_the_queue_lists_only_profiles_serving_the_coordinators_region(world, client_for):
    faraway = vf.profile(status="submitted", real_name="赵远方", regions=("510107",))
    mine = client_for(world.coordinator).get(reverse("volunteers:queue")).content.decode()
    theirs = client_for(world.other_coordinator).get(reverse("volunteers:queue")).content.decode()
    assert "陈静" in mine and "赵远方" not in mine
    assert "赵远方" in theirs and "陈静" not in theirs
    assert faraway.pk


def test_queue_filters_narrow_and_a_bad_filter_shows_an_error_and_no_rows(world, client_for):
    vf.profile(status="submitted", real_name="孙技能", skills=("it",), regions=("440106006",))
    client = client_for(world.coordinator)
    url = reverse("volunteers:queue")
    page = client.get(url, {"skill": "it"}).content.decode()
    assert "孙技能" in page and "陈静" not in page
    page = client.get(url, {"region": "440106005"}).content.decode()
    assert "陈静" in page and "孙技能" not in page
    page = client.get(url, {"submitted_since": "2099-01-01"}).content.decode()
    assert "陈静" not in page
    response = client.get(url, {"skill": "没有这个技能"})
    assert response.status_code == 200
    assert "陈静" not in response.content.decode()
    assert "errorlist" in response.content.decode()


def test_bulk_approve_from_the_queue(world, client_for):
    other = vf.profile(status="submitted", real_name="周二", regions=("440106",))
    faraway = vf.profile(status="submitted", regions=("510107",))
    response = client_for(world.coordinator).post(
        reverse("volunteers:bulk_approve"),
        {"profile": [world.applicant.pk, other.pk, faraway.pk]},
    )
    assert response.status_code == 302
    statuses = dict(VolunteerProfile.objects.values_list("pk", "status"))
    assert statuses[world.applicant.pk] == statuses[other.pk] == "approved"
    assert statuses[faraway.pk] == "submitted"
    assert AuditEvent.objects.filter(action="volunteer.approve").count() == 2


def test_a_decision_through_the_page_and_a_missing_reason_is_shown(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("volunteers:profile_detail", args=[world.applicant.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    world.applicant.refresh_from_db()
    assert world.applicant.status == "submitted"
    assert client.post(url, {"decision": "approve"}).status_code == 302
    world.applicant.refresh_from_db()
    assert world.applicant.status == "approved"


def test_another_regions_coordinator_cannot_post_a_decision(world, client_for):
    response = client_for(world.other_coordinator).post(
        reverse("volunteers:profile_detail", args=[world.applicant.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    world.applicant.refresh_from_db()
    assert world.applicant.status == "submitted"


def test_saving_a_draft_then_submitting_through_the_page(world, client_for, regions):
    client = client_for(world.outsider)
    url = reverse("volunteers:profile")
    response = client.post(url, {"real_name": "吴丽", "max_groups": 2, "save": "1"})
    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=world.outsider)
    assert profile.real_name == "吴丽" and profile.status == "draft"
    number = vf.id_number(born="19920115", serial=321)
    form = {
        "real_name": "吴丽",
        "gender": "female",
        "id_number": number,
        "skills": [s.pk for s in profile.skills.model.objects.filter(code="tutoring")],
        "languages": [],
        "regions": [regions["440106"].pk],
        "availability": ["0", "20"],
        "max_groups": 1,
        "bio": "大学生志愿者",
        "accept_pledge": "on",
        "submit": "1",
    }
    assert client.post(url, form).status_code == 302
    profile.refresh_from_db()
    assert profile.status == "submitted"
    assert profile.availability == (1 << 0) | (1 << 20)
    assert profile.id_masked.endswith(number[-4:])
    page = client.get(url).content.decode()
    assert number not in page


def test_a_wrong_id_through_the_page_is_a_translated_error(world, client_for):
    response = client_for(world.outsider).post(
        reverse("volunteers:profile"),
        {"real_name": "吴丽", "id_number": "440106199201150011", "max_groups": 2, "save": "1"},
    )
    assert response.status_code == 200
    assert "校验位" in response.content.decode() or "出生日期" in response.content.decode()


def test_logging_and_confirming_hours_through_the_pages(world, client_for):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for(world.volunteer).post(
        reverse("volunteers:hours"),
        {"date": yesterday, "hours": "3", "group": world.group.code, "description": "模拟面试"},
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    future = client_for(world.volunteer).post(
        reverse("volunteers:hours"),
        {
            "date": yesterday + timedelta(days=5),
            "hours": "3",
            "group": world.group.code,
            "description": "未来",
        },
    )
    assert future.status_code == 200 and ServiceRecord.objects.count() == 1
    assert (
        client_for(world.outsider)
        .post(reverse("volunteers:hours_decide", args=[record.pk]), {"confirm": "1"})
        .status_code
        == 404
    )
    assert (
        client_for(world.lead)
        .post(reverse("volunteers:hours_decide", args=[record.pk]), {"confirm": "1"})
        .status_code
        == 302
    )
    record.refresh_from_db()
    assert record.status == "confirmed"
    page = client_for(world.volunteer).get(reverse("volunteers:hours")).content.decode()
    assert "97" in page  # 97 hours to the first star


def test_the_export_is_an_xlsx_with_chinese_headers(world, client_for):
    vf.record(world.profile, region=world.regions["440106005"], hours="2.5", status="confirmed")
    vf.record(world.applicant, region=world.regions["510107001"], hours="4")
    today = timezone.localdate()
    response = client_for(world.coordinator).get(
        reverse("volunteers:hours_export"),
        {"region": world.regions["440106"].pk, "start": today - timedelta(days=30), "end": today},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1][1] == "张晓明" and rows[1][4] == 2.5 and rows[1][9] == "已确认"
    assert len([r for r in rows[1:] if r and r[0]]) == 2  # one record + the total row


def test_the_export_of_a_region_not_covered_is_refused(world, client_for):
    today = timezone.localdate()
    response = client_for(world.coordinator).get(
        reverse("volunteers:hours_export"),
        {"region": world.regions["510107"].pk, "start": today, "end": today},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_the_queue_and_directory_run_a_fixed_number_of_queries(
    world, client_for, size, django_assert_max_num_queries
):
    create_people(
        size, kind="volunteer", rng=random.Random(size), regions=[world.regions["440106"]]
    )
    VolunteerProfile.objects.update(status="submitted")
    client = client_for(world.coordinator)
    for name, params in (
        ("queue", {}),
        ("directory", {"kind": "volunteer", "region": "440106", "skill": "legal_aid"}),
    ):
        with django_assert_max_num_queries(17):
            response = client.get(reverse(f"volunteers:{name}"), params)
        assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_the_hours_pages_run_a_fixed_number_of_queries(
    world, client_for, size, django_assert_max_num_queries
):
    for i in range(size):
        vf.record(
            world.profile, region=world.regions["440106005"], group=world.group, days_ago=i + 1
        )
    volunteer, lead = client_for(world.volunteer), client_for(world.lead)
    with django_assert_max_num_queries(16):
        assert volunteer.get(reverse("volunteers:hours")).status_code == 200
    with django_assert_max_num_queries(16):
        assert lead.get(reverse("volunteers:hours_review")).status_code == 200


def test_leaving_through_the_page_needs_the_password(world, client_for):
    client = client_for(world.volunteer)
    url = reverse("volunteers:leave")
    assert client.post(url, {"password": "错的"}).status_code == 200
    assert client.post(url, {"password": "测试密码-Portal-2026"}).status_code == 302
    world.profile.refresh_from_db()
    assert world.profile.user is None and world.profile.status == "left"
