"""The cascading region picker's endpoint (portal:region_children) and widget: who may ask, what
odd input answers, what it lists (active children only, with whether they have children), in a
constant number of queries; and the invitation form's options marked for region_picker.js."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import Region
from tests import factories

URL = reverse("portal:region_children")


def children(client, parent=None):
    response = client.get(URL, {} if parent is None else {"parent": parent})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def cast(regions):
    """An admin, a coordinator of 广东省, a volunteer (any logged-in person), and nobody."""
    return {
        "admin": factories.AdminFactory(display_name="管理员"),
        "province": factories.coordinator(regions["440000"]),
        "volunteer": factories.VolunteerFactory(display_name="志愿者王芳"),
        "anonymous": None,
    }


@pytest.mark.parametrize("who", ["admin", "province", "volunteer", "anonymous"])
def test_only_logged_in_people_get_the_children(client_for, cast, who):
    response = client_for(cast[who]).get(URL, {"parent": "440000"})
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [row["code"] for row in response.json()] == ["440100"]


def test_only_get_is_answered(client_for, cast):
    assert client_for(cast["admin"]).post(URL, {"parent": "440000"}).status_code == 405


def test_the_provinces_without_a_parent(client_for, cast):
    expected = [
        {"code": "440000", "name": "广东省", "level": 1, "has_children": True},
        {"code": "510000", "name": "四川省", "level": 1, "has_children": True},
    ]
    client = client_for(cast["volunteer"])
    assert children(client) == expected
    assert children(client, "") == expected


def test_the_children_of_广东省_then_down_to_the_offices(client_for, cast):
    client = client_for(cast["volunteer"])
    assert children(client, "440000") == [
        {"code": "440100", "name": "广州市", "level": 2, "has_children": True}
    ]
    assert children(client, "440100") == [
        {"code": "440104", "name": "越秀区", "level": 3, "has_children": True},
        {"code": "440106", "name": "天河区", "level": 3, "has_children": True},
    ]
    assert children(client, "440106") == [
        {"code": "440106005", "name": "石牌街司法所", "level": 4, "has_children": False},
        {"code": "440106006", "name": "天河南街司法所", "level": 4, "has_children": False},
    ]
    assert children(client, "440106005") == []


def test_retired_regions_are_left_out(client_for, cast, regions):
    Region.objects.filter(code__in=["440106006", "440104003"]).update(retired_at=timezone.now())
    client = client_for(cast["volunteer"])
    assert children(client, "440106") == [
        {"code": "440106005", "name": "石牌街司法所", "level": 4, "has_children": False}
    ]
    # 越秀区 is still there, but its only office is retired: nothing beneath it to choose.
    assert children(client, "440100") == [
        {"code": "440104", "name": "越秀区", "level": 3, "has_children": False},
        {"code": "440106", "name": "天河区", "level": 3, "has_children": True},
    ]
    assert children(client, "440104") == []
    # A retired region is no parent to ask about.
    Region.objects.filter(code="440104").update(retired_at=timezone.now())
    assert client.get(URL, {"parent": "440104"}).status_code == 404
    assert [row["code"] for row in children(client, "440100")] == ["440106"]


@pytest.mark.parametrize(
    "parent",
    [
        "abc",
        "44010",
        "4401060051",
        "44 0000",
        "440000\x00",
        "\x00",
        "４４００００",  # full-width digits: not ASCII
        "٤٤٠٠٠٠",
        str(2**64),
        "-440000",
        "440000.0",
    ],
)
def test_a_parent_that_is_no_region_code_is_a_translated_400(client_for, cast, parent):
    response = client_for(cast["volunteer"]).get(URL, {"parent": parent})
    assert response.status_code == 400
    assert "请求" in response.content.decode()  # the Chinese 400 page, not a traceback


@pytest.mark.parametrize("parent", ["999999", "440107", "440106999", "000000"])
def test_an_unknown_parent_is_a_404(client_for, cast, parent):
    assert client_for(cast["volunteer"]).get(URL, {"parent": parent}).status_code == 404


def _many_regions():
    """广州市 with 30 more districts of three offices each, and 20 more provinces."""
    districts = tuple(
        (
            f"4401{n:02d}",
            f"第{n}区",
            tuple((f"4401{n:02d}{m:03d}", f"第{n}区第{m}司法所", ()) for m in range(1, 4)),
        )
        for n in range(50, 80)
    )
    provinces = tuple(
        (f"{p}0000", f"第{p}省", ((f"{p}0100", f"第{p}市", ()),)) for p in range(11, 31)
    )
    services.region_tree_load(tree=(("440000", "广东省", (("440100", "广州市", districts),)),))
    services.region_tree_load(tree=provinces)


@pytest.mark.parametrize("parent", [None, "440000", "440100", "440106"])
def test_constant_queries_whatever_the_number_of_regions(
    client_for, cast, django_assert_num_queries, parent
):
    client = client_for(cast["volunteer"])
    children(client, parent)  # the session and user warmed up as on any later request
    with django_assert_num_queries(QUERIES[parent is None]) as small:
        few = children(client, parent)
    _many_regions()
    with django_assert_num_queries(len(small.captured_queries)):
        many = children(client, parent)
    if parent in (None, "440100"):
        assert len(many) > len(few) + 19


# Session and user, then the parent (unless none), the children and those with children.
QUERIES = {False: 5, True: 4}


# -- the widget on the invitation form --------------------------------------------------------


def test_the_invitation_form_marks_its_options_for_the_picker(client_for, cast, regions):
    page = client_for(cast["province"]).get(reverse("staff:invite")).content.decode()
    select = re.search(r"<select name=\"region\"[^>]*>(.*?)</select>", page, re.S)
    assert 'data-region-picker=""' in select.group(0)
    options = re.findall(r"<option ([^>]*)>", select.group(1))
    marks = [dict(re.findall(r'data-(code|parent|level)="([^"]*)"', attrs)) for attrs in options]
    # The coordinator covers 广东省 only: it is the one top; Sichuan is not offered.
    assert marks[0] == {"code": "440000", "level": "1"}
    assert {"code": "440106005", "level": "4", "parent": "440106"} in marks
    assert [m["code"] for m in marks if "parent" not in m] == ["440000"]
    assert not any(m["code"].startswith("51") for m in marks)
    assert '<script src="/static/portal/region_picker.js" defer></script>' in page
    assert f'data-url="{URL}"' in page
    assert 'data-level-3="区/县"' in page


def test_a_city_coordinator_s_cascade_starts_at_the_city(client_for, regions):
    user = factories.coordinator(regions["440100"])
    page = client_for(user).get(reverse("staff:invite")).content.decode()
    codes = re.findall(r'data-code="(\d+)"(?: data-level="\d")?(?: data-parent="(\d+)")?', page)
    tops = [code for code, parent in codes if not parent]
    assert tops == ["440100"]
    assert ("440106", "440100") in codes
