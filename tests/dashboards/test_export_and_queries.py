"""The .xlsx export (a sheet per section, Chinese headers, widths, no formulas from typed text)
and the number of queries a dashboard costs, the same for a small and a large data set."""

import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.services import figures_recompute_all
from groups.scale import create_groups
from portal.models import Region, StaffRole
from tests.dashboards.conftest import CITY, PROVINCE, TIANHE, A, staff
from volunteers.scale import create_people

pytestmark = pytest.mark.django_db
SHEETS = ["社会力量", "矫正小组", "教育学习", "服务时长与星级", "就业转介", "志愿活动", "下级地区"]


def workbook(client, code, **query):
    response = client.get(reverse("dashboards:export", args=[code]), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return load_workbook(io.BytesIO(response.content))


def test_the_export_has_a_sheet_per_section_with_chinese_headers(county_world, client_for):
    figures_recompute_all()
    client = client_for(staff(StaffRole.Role.OBSERVER, CITY, county_world.regions))
    book = workbook(client, TIANHE)
    assert book.sheetnames == SHEETS
    groups = book["矫正小组"]
    month = f"{county_world.clock.this:%Y-%m}"
    assert groups["A1"].value == f"天河区 · {month} · 矫正小组"
    assert [groups["A3"].value, groups["B3"].value] == ["指标", month]
    assert [groups["A4"].value, groups["B4"].value] == ["在册矫正小组", 3]
    assert groups.column_dimensions["A"].width >= 20
    rows = list(groups.iter_rows(values_only=True))
    assert ("月份", "在册矫正小组", "没有志愿者的小组", "有未满足需求的小组") in rows
    learning = book["教育学习"]
    values = {row[0]: row[1] for row in learning.iter_rows(values_only=True) if row}
    assert values["集体教育与个别教育分列"] == "未记录"
    assert values["学习达标率"] == 25
    compare = list(book["下级地区"].iter_rows(values_only=True))
    assert compare[2][:2] == ("行政区域", "社工（已审核）")
    assert [row[0] for row in compare[3:]] == ["石牌街司法所", "天河南街司法所", "天河区本级"]


def test_the_export_hides_small_cells_below_county_level(county_world, client_for):
    figures_recompute_all()
    client = client_for(staff(StaffRole.Role.COORDINATOR, TIANHE, county_world.regions))
    groups = workbook(client, A)["矫正小组"]
    values = {row[0]: row[1] for row in groups.iter_rows(values_only=True) if row}
    assert values["在册矫正小组"] == "<5"
    assert "下级地区" not in workbook(client, A).sheetnames  # an office has no children


def test_typed_text_that_looks_like_a_formula_is_written_as_text(county_world, client_for):
    Region.objects.filter(code=A).update(name='=HYPERLINK("http://x")')
    figures_recompute_all()
    client = client_for(staff(StaffRole.Role.COORDINATOR, TIANHE, county_world.regions))
    compare = workbook(client, TIANHE)["下级地区"]
    assert compare["A4"].value == '\'=HYPERLINK("http://x")'
    assert compare["A4"].data_type == "s"


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_a_dashboard_costs_the_same_few_queries_whatever_the_data(
    county_world, client_for, django_assert_max_num_queries
):
    figures_recompute_all()
    client = client_for(staff(StaffRole.Role.OBSERVER, PROVINCE, county_world.regions))
    paths = [reverse("dashboards:region", args=[code]) for code in (PROVINCE, TIANHE, A)]
    small = [_count(client, path) for path in paths]
    rng = random.Random(17)
    offices = list(Region.objects.filter(code__in=[A, "440106006", "440104003"]))
    create_groups(300, rng=rng, offices=offices)
    create_people(200, kind="volunteer", rng=rng, regions=offices)
    figures_recompute_all()
    large = [_count(client, path) for path in paths]
    assert large == small
    for path in paths:
        with django_assert_max_num_queries(15):
            client.get(path)
        with django_assert_max_num_queries(15):
            client.get(path + "export.xlsx")
