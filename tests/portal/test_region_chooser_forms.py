"""The cascading region picker on the correction group form (its judicial office, 省 → 市 → 区县 →
司法所, and its execution area) and on the volunteer profile (the regions served, in "add" mode):
the pages render the picker's marks and script, accept a choice within the user's scope, refuse
one outside it or a forged id with a translated error and change nothing, keep several regions
and drop a removed one; who may open the pages is unchanged; the pages and the endpoint the
picker asks stay constant in queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import CorrectionGroup
from portal.models import OffenceCategory, Region
from tests import factories
from tests.groups import conftest as groups_conftest
from tests.portal.test_region_picker import _many_regions
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile

# The group of tests/groups: in 石牌街司法所, its coordinator covers 天河区.
world = groups_conftest.world

PICKER_JS = '<script src="/static/portal/region_picker.js" defer></script>'
OFFICE_ERROR = "请选择您所负责区域内的司法所。"
AREA_ERROR = "请从列表中选择本省内的市或区县。"
SERVED_ERROR = "请从列表中选择区域。"


def select(page: str, name: str) -> tuple[str, list[dict]]:
    """The opening tag of the select called `name`, and its options' marks (value, code, parent,
    level, name, selected)."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no select {name}"
    tag = found.group(0)[: found.group(0).index(">") + 1]
    options = []
    for attrs in re.findall(r"<option ([^>]*)>", found.group(1)):
        marks = dict(
            re.findall(r'(value|data-code|data-parent|data-level|data-name)="([^"]*)"', attrs)
        )
        marks["selected"] = " selected" in attrs
        options.append(marks)
    return tag, options


def ancestors(tag: str) -> list[dict]:
    found = re.search(r'data-region-ancestors="([^"]*)"', tag)
    assert found, tag
    return json.loads(found.group(1).replace("&quot;", '"'))


def group_form(regions, **changes):
    data = {
        "judicial_office": regions["440106005"].pk,
        "stage": "entry",
        "supervision_level": "strict",
        "offence": OffenceCategory.objects.get(code="theft").pk,
        "sentence_type": "probation",
        "start_date": "2026-05-01",
        "planned_end_date": "2027-04-30",
        "need_psychological_support": "1",
        "approved_regions": [regions["440106"].pk],
        "forbidden_places": "酒吧",
    }
    data.update(changes)
    return data


# -- the group form --------------------------------------------------------------------------


def test_the_group_form_leads_a_coordinator_down_to_their_offices_only(
    client_for, regions, reference_data
):
    page = client_for(factories.coordinator(regions["440106"])).get(reverse("groups:create"))
    page = page.content.decode()
    tag, options = select(page, "judicial_office")
    assert 'data-region-picker=""' in tag
    offered = [o for o in options if "data-code" in o]
    assert [(o["data-code"], o["data-parent"], o["data-name"]) for o in offered] == [
        ("440106005", "440106", "石牌街司法所"),
        ("440106006", "440106", "天河南街司法所"),
    ]
    assert options[0]["value"] == ""  # "---------": nothing chosen until the cascade ends
    # The regions above lead the way down but are not choices: 省 → 市 → 区县.
    assert ancestors(tag) == [
        {"code": "440000", "name": "广东省", "level": 1},
        {"code": "440100", "name": "广州市", "level": 2, "parent": "440000"},
        {"code": "440106", "name": "天河区", "level": 3, "parent": "440100"},
    ]
    assert "四川" not in tag and "浆洗街" not in page

    tag, options = select(page, "approved_regions")
    assert 'data-region-picker=""' in tag and "multiple" in tag
    assert [(o["data-code"], o.get("data-parent")) for o in options] == [
        ("440100", "440000"),
        ("440104", "440100"),
        ("440106", "440100"),
    ]
    assert ancestors(tag) == [{"code": "440000", "name": "广东省", "level": 1}]
    assert page.count(PICKER_JS) == 1
    assert 'data-add="添加"' in page and 'data-remove="移除{region}"' in page


def test_another_province_s_coordinator_is_led_through_sichuan(client_for, regions, reference_data):
    page = client_for(factories.coordinator(regions["510107"])).get(reverse("groups:create"))
    tag, options = select(page.content.decode(), "judicial_office")
    assert [o["data-code"] for o in options if "data-code" in o] == ["510107001"]
    assert [a["name"] for a in ancestors(tag)] == ["四川省", "成都市", "武侯区"]


def test_a_valid_office_and_several_areas_make_the_group(client_for, regions, reference_data):
    coordinator = factories.coordinator(regions["440100"])
    areas = [regions["440106"].pk, regions["440104"].pk]
    response = client_for(coordinator).post(
        reverse("groups:create"),
        group_form(regions, judicial_office=regions["440104003"].pk, approved_regions=areas),
    )
    group = CorrectionGroup.objects.get()
    assert response.status_code == 302
    assert group.judicial_office.name == "北京街司法所"
    assert sorted(r.name for r in group.approved_regions.all()) == ["天河区", "越秀区"]


@pytest.mark.parametrize(
    "office",
    [
        "510107001",  # 浆洗街司法所: another province's office
        "440104003",  # 北京街司法所: 越秀区, outside this coordinator's 天河区
        "440106",  # 天河区 itself: a step on the way, no office
        "440000",  # 广东省: likewise
        "forged",
    ],
)
def test_an_office_outside_the_scope_or_forged_is_refused(
    client_for, regions, reference_data, office
):
    coordinator = factories.coordinator(regions["440106"])
    value = {"forged": "99999999"}.get(office) or regions[office].pk
    response = client_for(coordinator).post(
        reverse("groups:create"), group_form(regions, judicial_office=value)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["judicial_office"] == [OFFICE_ERROR]
    assert OFFICE_ERROR in response.content.decode()
    assert not CorrectionGroup.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "９"])
def test_an_office_that_is_no_id_is_refused(client_for, regions, reference_data, value):
    response = client_for(factories.coordinator(regions["440106"])).post(
        reverse("groups:create"), group_form(regions, judicial_office=value)
    )
    assert response.status_code == 200 and "judicial_office" in response.context["form"].errors
    assert not CorrectionGroup.objects.exists()


@pytest.mark.parametrize("area", ["510107", "440106005", "forged"])
def test_an_area_outside_the_province_or_forged_changes_nothing(world, client_for, regions, area):
    value = {"forged": "99999999"}.get(area) or regions[area].pk
    url = reverse("groups:edit", args=[world.group.code])
    data = group_form(
        regions,
        judicial_office=regions["440106006"].pk,
        approved_regions=[regions["440104"].pk, value],
    )
    response = client_for(world.coordinator).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["approved_regions"] == [AREA_ERROR]
    world.group.refresh_from_db()
    assert world.group.judicial_office.code == "440106005"
    assert [r.code for r in world.group.approved_regions.all()] == ["440106"]


def test_the_edit_form_marks_the_group_s_office_and_areas_chosen(world, client_for, regions):
    page = client_for(world.coordinator).get(reverse("groups:edit", args=[world.group.code]))
    _tag, options = select(page.content.decode(), "judicial_office")
    assert [o["data-code"] for o in options if o["selected"]] == ["440106005"]
    _tag, options = select(page.content.decode(), "approved_regions")
    assert [o["data-code"] for o in options if o["selected"]] == ["440106"]


@pytest.mark.parametrize(
    "who, create, edit",
    [
        ("coordinator", 200, 200),  # the owner
        ("city_coordinator", 200, 200),  # covers 天河区 from above
        ("other_coordinator", 200, 404),  # 武侯区: a form of their own, not this group
        ("lead", 404, 404),
        ("volunteer", 404, 404),  # a member
        ("outsider", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_who_may_open_the_group_forms_is_unchanged(world, client_for, who, create, edit):
    client = client_for(getattr(world, who))
    response = client.get(reverse("groups:create"))
    assert response.status_code == create
    if create == 200:
        assert PICKER_JS in response.content.decode()
    assert client.get(reverse("groups:edit", args=[world.group.code])).status_code == edit
    before = CorrectionGroup.objects.count()
    client.post(reverse("groups:edit", args=[world.group.code]), {"judicial_office": ""})
    assert CorrectionGroup.objects.count() == before


# -- the volunteer profile -------------------------------------------------------------------


@pytest.fixture
def volunteer(regions, reference_data):
    user = factories.VolunteerFactory(display_name="志愿者李静")
    vf.profile(user, status=VolunteerProfile.Status.DRAFT, regions=("440106",), real_name="李静")
    return user


def served(user) -> list[str]:
    return sorted(r.code for r in VolunteerProfile.objects.get(user=user).regions.all())


def save_profile(client, regions_chosen):
    return client.post(
        reverse("volunteers:profile"),
        {"real_name": "李静", "max_groups": 2, "regions": regions_chosen, "save": "1"},
    )


def test_the_profile_renders_the_add_picker_and_no_ctrl_hint(client_for, volunteer, regions):
    page = client_for(volunteer).get(reverse("volunteers:profile")).content.decode()
    tag, options = select(page, "regions")
    assert 'data-region-picker=""' in tag and "multiple" in tag
    assert [o["data-code"] for o in options if o["selected"]] == ["440106"]
    # Counties and offices are offered; provinces and cities only lead the way.
    assert {o["data-code"] for o in options} == {
        "440104",
        "440104003",
        "440106",
        "440106005",
        "440106006",
        "510107",
        "510107001",
    }
    assert [a["code"] for a in ancestors(tag)] == ["440000", "440100", "510000", "510100"]
    assert "Ctrl" not in page and "按住" not in page
    assert "您可以服务的区县或司法所。" in page
    assert page.count(PICKER_JS) == 1


def test_several_regions_are_kept_and_a_removed_one_is_dropped(client_for, volunteer, regions):
    client = client_for(volunteer)
    chosen = [regions[code].pk for code in ("440106", "440106005", "510107")]
    assert save_profile(client, chosen).status_code == 302
    assert served(volunteer) == ["440106", "440106005", "510107"]
    assert save_profile(client, chosen[:1] + chosen[2:]).status_code == 302
    assert served(volunteer) == ["440106", "510107"]


@pytest.mark.parametrize("bad", ["province", "city", "retired", "forged"])
def test_a_region_not_offered_or_forged_is_refused_and_changes_nothing(
    client_for, volunteer, regions, bad
):
    if bad == "retired":
        Region.objects.filter(code="440104").update(retired_at=timezone.now())
    value = {
        "province": regions["440000"].pk,
        "city": regions["440100"].pk,
        "retired": regions["440104"].pk,
        "forged": 99999999,
    }[bad]
    response = save_profile(client_for(volunteer), [regions["510107"].pk, value])
    assert response.status_code == 200
    assert response.context["form"].errors["regions"] == [SERVED_ERROR]
    assert SERVED_ERROR in response.content.decode()
    assert served(volunteer) == ["440106"]
    assert VolunteerProfile.objects.get(user=volunteer).real_name == "李静"


@pytest.mark.parametrize("who, status", [("owner", 200), ("other", 200), ("anonymous", 302)])
def test_the_profile_is_one_s_own_and_needs_a_login(client_for, volunteer, regions, who, status):
    other = factories.VolunteerFactory(display_name="志愿者赵强")
    client = client_for({"owner": volunteer, "other": other, "anonymous": None}[who])
    assert client.get(reverse("volunteers:profile")).status_code == status
    save_profile(client, [regions["510107"].pk])
    # Only one's own profile changes: the other volunteer's post started and filled their own.
    assert served(volunteer) == (["510107"] if who == "owner" else ["440106"])
    if who == "other":
        assert served(other) == ["510107"]


def test_a_coordinator_without_a_profile_gets_no_profile_form(client_for, regions):
    coordinator = factories.coordinator(regions["440106"])
    assert client_for(coordinator).get(reverse("volunteers:profile")).status_code == 404


# -- queries ---------------------------------------------------------------------------------


def _constant(client, url, django_assert_max_num_queries):
    client.get(url)  # the session, user and caches warmed up as on any later request
    with CaptureQueriesContext(connection) as small:
        few = client.get(url).content.decode()
    _many_regions()
    with django_assert_max_num_queries(len(small.captured_queries)):
        many = client.get(url).content.decode()
    return few, many


def test_the_group_form_stays_constant_in_queries(
    client_for, regions, reference_data, django_assert_max_num_queries
):
    client = client_for(factories.coordinator(regions["440000"]))
    few, many = _constant(client, reverse("groups:create"), django_assert_max_num_queries)
    assert len(select(many, "judicial_office")[1]) > len(select(few, "judicial_office")[1]) + 80


def test_the_profile_stays_constant_in_queries(
    client_for, volunteer, django_assert_max_num_queries
):
    few, many = _constant(
        client_for(volunteer), reverse("volunteers:profile"), django_assert_max_num_queries
    )
    assert len(select(many, "regions")[1]) > len(select(few, "regions")[1]) + 80
    # The 20 new provinces have cities only, nothing to serve in: no way leads into them.
    assert ancestors(select(many, "regions")[0]) == ancestors(select(few, "regions")[0])


@pytest.mark.parametrize("parent", [None, "440000", "440100", "510100"])
def test_the_endpoint_the_forms_ask_stays_constant(
    client_for, volunteer, django_assert_max_num_queries, parent
):
    client = client_for(volunteer)
    url, query = reverse("portal:region_children"), {} if parent is None else {"parent": parent}
    client.get(url, query)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).status_code == 200
    _many_regions()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, query).status_code == 200
