"""Loading the region tree from a file (manage.py regions_load, the admin's import page), at the
size of a real province: Guangdong from the national code list, 1,901 rows, with 东莞 and 中山
whose towns' judicial offices sit straight under the city."""

import csv
import io
import random
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

import search
from groups import rules
from groups import services as group_services
from groups.forms import GroupForm
from groups.models import SentenceType, Stage, SupervisionLevel
from matching import scoring
from matching import weights as w
from portal import services as portal_services
from portal.demo_regions import REGIONS
from portal.models import AuditEvent, OffenceCategory, Region, RegionImport, RegionImportRow
from portal.region_import.services import region_import_check, region_import_load
from search.services import index_rebuild
from tests import factories

pytestmark = pytest.mark.django_db

GUANGDONG = Path(django_settings.BASE_DIR) / "portal" / "regions_data" / "guangdong.csv"
HEADER = "code,name,parent_code,level\n"


def guangdong_rows() -> list[list[str]]:
    with open(GUANGDONG, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["code", "name", "parent_code", "level"]])
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def load(content: bytes | Path, *, apply=True):
    data = content.read_bytes() if isinstance(content, Path) else content
    return region_import_load(
        file=io.BytesIO(data), file_name="regions.csv", apply=apply, applied_by=None
    )


def tree() -> list[tuple]:
    return list(Region.objects.order_by("path").values_list("code", "name", "path", "level"))


@pytest.fixture
def guangdong(db):
    report = load(GUANGDONG)
    assert report.ok, report.errors
    return {r.code: r for r in Region.objects.all()}


# --- the Guangdong file ---------------------------------------------------------------------


def test_the_guangdong_file_is_reported_first_then_applied(db):
    report = load(GUANGDONG, apply=False)
    assert report.ok and report.rows == 1901
    assert report.levels == {"1": 1, "2": 21, "3": 122, "4": 1757}
    assert report.counts == {"new": 1901, "renamed": 0, "moved": 0, "restored": 0, "retired": 0}
    assert report.examples["new"][0] == {"row": 2, "code": "440000", "name": "广东省"}
    assert not Region.objects.exists() and not RegionImportRow.objects.exists()  # a dry run

    assert load(GUANGDONG).ok
    assert Region.objects.count() == 1901
    assert Region.objects.filter(level=Region.Level.CITY).count() == 21
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 122
    assert Region.find_problems() == ([], [], [], [], [])  # treebeard: paths, depths, numchild
    guangzhou = Region.objects.get(code="440100")
    assert [c.code for c in guangzhou.get_children()][:3] == ["440103", "440104", "440105"]
    assert not RegionImportRow.objects.exists()


@pytest.mark.parametrize(("city", "towns"), [("441900", 36), ("442000", 23)])
def test_the_towns_of_dongguan_and_zhongshan_sit_straight_under_the_city(guangdong, city, towns):
    city = guangdong[city]
    children = list(city.get_children())
    assert len(children) == towns == city.numchild
    assert {c.level for c in children} == {Region.Level.JUDICIAL_OFFICE}
    assert all(c.depth == 3 and c.county_path == city.path for c in children)
    assert Region.objects.get(code="441900003").name == "东城街司法所"  # 东城街道


def test_loading_the_same_file_again_changes_nothing(guangdong):
    before = tree()
    report = load(GUANGDONG)
    assert report.ok and report.changes == 0
    assert tree() == before


def test_over_the_demo_tree_nothing_is_renamed_moved_or_retired(db):
    """The demo tree's codes and names are the national list's (its offices are named as the
    import names them)."""
    portal_services.region_tree_load(tree=REGIONS)
    report = load(GUANGDONG, apply=False)
    assert report.ok
    assert report.counts["renamed"] == report.counts["moved"] == report.counts["retired"] == 0
    assert report.counts["new"] == 1901 - 38  # the demo's regions in 广东省


def test_the_file_may_be_xlsx_or_gzipped(db):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "parent_code", "level"])
    for code, name, parent, level in guangdong_rows():
        # Codes typed as numbers, as a spreadsheet keeps them.
        sheet.append([int(code), name, int(parent) if parent else None, level])
    xlsx = io.BytesIO()
    book.save(xlsx)
    report = load(xlsx.getvalue(), apply=False)
    assert report.ok and report.counts["new"] == 1901

    import gzip

    assert load(gzip.compress(GUANGDONG.read_bytes()), apply=False).counts["new"] == 1901


# --- changes: renamed, moved, retired, back in use ---------------------------------------------


def changed_guangdong(*, drop=(), rename=None, move=None) -> bytes:
    rows = []
    for code, name, parent, level in guangdong_rows():
        if code in drop:
            continue
        name = (rename or {}).get(code, name)
        parent = (move or {}).get(code, parent)
        rows.append([code, name, parent, level])
    return as_csv(rows)


def test_renames_moves_and_retirements_are_reported_then_applied(guangdong):
    changed = changed_guangdong(
        rename={"440106": "天河新区"},
        move={"440106006": "440104"},  # 石牌街司法所 from 天河区 to 越秀区
        drop={"440106004"},  # 沙河街司法所
    )
    report = load(changed, apply=False)
    assert report.ok
    assert {k: v for k, v in report.counts.items() if v} == {"renamed": 1, "moved": 1, "retired": 1}
    row = next(n for n, r in enumerate(guangdong_rows(), start=2) if r[0] == "440106")
    assert report.examples["renamed"] == [
        {"row": row, "code": "440106", "name": "天河新区", "was": "天河区"}
    ]
    assert report.examples["moved"][0] | {"row": 0} == {
        "row": 0, "code": "440106006", "name": "石牌街司法所", "was": "天河区", "now": "越秀区"
    }  # fmt: skip
    assert report.examples["retired"] == [
        {"row": None, "code": "440106004", "name": "沙河街司法所"}
    ]
    assert Region.objects.get(code="440106").name == "天河区"  # still a dry run

    assert load(changed).ok
    shipai = Region.objects.get(code="440106006")
    assert shipai.get_parent().code == "440104"
    assert shipai.county_path == Region.objects.get(code="440104").path
    assert Region.objects.get(code="440106").name == "天河新区"
    retired = Region.objects.get(code="440106004")
    assert retired.is_retired and not Region.objects.active().filter(code="440106004").exists()
    assert Region.find_problems() == ([], [], [], [], [])
    assert load(changed).changes == 0  # idempotent after a change too

    again = load(GUANGDONG)
    assert again.counts["restored"] == 1 and again.counts["renamed"] == again.counts["moved"] == 1
    assert not Region.objects.get(code="440106004").is_retired


def test_a_retired_office_keeps_its_groups_and_takes_no_new_one(guangdong, reference_data):
    office = guangdong["440106004"]
    coordinator = factories.coordinator(guangdong["440106"])
    group = group_services.group_create(data=group_data(office), created_by=coordinator)
    assert load(changed_guangdong(drop={"440106004"})).counts["retired"] == 1

    group.refresh_from_db()
    assert group.judicial_office_id == office.pk and group.judicial_office.is_retired
    with pytest.raises(ValidationError) as refused:
        group_services.group_create(data=group_data(group.judicial_office), created_by=coordinator)
    assert "已从区划中撤销" in str(refused.value.message_dict["judicial_office"])
    # The old group is still edited in place; the form offers the retired office to it only.
    group_services.group_update(
        group=group,
        data=group_data(group.judicial_office, stage=Stage.ACTIVE),
        updated_by=coordinator,
    )
    covered = Region.objects.filter(path__startswith=guangdong["440106"].path)
    assert office not in GroupForm(regions=covered).fields["judicial_office"].queryset
    edit = GroupForm(regions=covered, initial=GroupForm.initial_for(group))
    assert office in edit.fields["judicial_office"].queryset


def group_data(office, **changes):
    data = {
        "judicial_office": office,
        "stage": Stage.ENTRY,
        "supervision_level": SupervisionLevel.ORDINARY,
        "offence": OffenceCategory.objects.get(code="dangerous_driving"),
        "sentence_type": SentenceType.PROBATION,
        "start_date": date(2026, 3, 1),
        "planned_end_date": date(2027, 2, 28),
        "is_juvenile": False,
        "needs": {"employment": 1},
        "forbidden_industries": [],
        "forbidden_places": "",
        "approved_regions": [],
    }
    return group_services.GroupData(**(data | changes))


# --- malformed files: refused with row-level reasons, nothing written ---------------------------


def _rows_with(*extra, without=()) -> bytes:
    rows = [r for r in guangdong_rows()[:40] if r[0] not in without]
    return as_csv(rows + [list(r) for r in extra])


MALFORMED = {
    "wrong columns": (
        "code,name,parent,level\n440000,广东省,,province\n".encode(), 1, "parent_code"),
    "a duplicate code": (
        _rows_with(("440103001", "沙面司法所", "440103", "office")), 42, "已在第 5 行"),
    "a child before its parent": (
        as_csv([["440000", "广东省", "", "province"], ["440103", "荔湾区", "440100", "county"],
                ["440100", "广州市", "440000", "city"]]),
        3, "在后面的第 4 行"),
    "a county under a province": (
        as_csv([["440000", "广东省", "", "province"], ["440103", "荔湾区", "440000", "county"]]),
        3, "区县不能直属于省"),
    "a formula in a cell": (
        _rows_with(("440199", '=HYPERLINK("http://example.cn","点击")', "440100", "county")),
        42, "“=”"),
    "an empty name and a bad level": (_rows_with(("440199", "", "440100", "district")), 42, "级别"),
    "a city holding counties and offices": (
        _rows_with(("440100999", "某镇司法所", "440100", "office")), 2 + 1, "既有区县又有司法所"),
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_is_refused_with_row_reasons_and_nothing_written(guangdong, case):
    content, row, reason = MALFORMED[case]
    before, imports = tree(), RegionImport.objects.count()
    report, batch = region_import_check(
        file=io.BytesIO(content), file_name="bad.csv", checked_by=None
    )
    assert batch is None and not report.ok
    reasons = [f"{e['row']}: {e['message']}" for e in report.errors]
    if report.file_error:
        reasons.append(f"{report.file_error_row}: {report.file_error}")
    assert any(r.startswith(f"{row}: ") and reason in r for r in reasons), reasons
    assert tree() == before
    assert RegionImport.objects.count() == imports and not RegionImportRow.objects.exists()


def test_a_code_that_changes_level_is_refused(guangdong):
    # 东莞 (a city) offered as a county of 广州市.
    report = load(_rows_with(("441900", "东莞市", "440100", "county")), apply=False)
    assert not report.ok
    assert any("441900" in e["message"] and "不能改变级别" in e["message"] for e in report.errors)


@pytest.mark.parametrize("size", [10 * 1024 * 1024, 300 * 1024])
def test_junk_is_refused_as_a_whole(db, size):
    junk = random.Random(7).randbytes(size)
    report = load(junk, apply=False)
    assert not report.ok and report.file_error
    assert not Region.objects.exists() and not RegionImport.objects.exists()


# --- a group at a town office of 东莞 works end to end -----------------------------------------


def test_a_group_at_a_dongguan_town_office_works_end_to_end(
    guangdong, reference_data, client, settings
):
    settings.ELASTICSEARCH_URL = ""
    city, dongcheng, nancheng = guangdong["441900"], guangdong["441900003"], guangdong["441900004"]
    coordinator = factories.coordinator(city)
    client.force_login(coordinator)

    # The group form offers the town's office, and 东莞 itself as an execution area.
    form = client.get(reverse("groups:create")).context["form"]
    assert dongcheng in form.fields["judicial_office"].queryset
    assert city in form.fields["approved_regions"].queryset
    group = group_services.group_create(data=group_data(dongcheng), created_by=coordinator)
    assert group.code.startswith("GD-441900-")

    assert group.code in client.get(reverse("groups:list")).content.decode()
    index_rebuild()
    found = search.query(coordinator, "矫正小组", {"kind": "group"}, 1)
    assert group.code in {hit.title for hit in found.hits}
    elsewhere = factories.coordinator(guangdong["440106"])
    assert group.code not in {h.title for h in search.query(elsewhere, "矫正小组", {}, 1).hits}

    # Matching: another town of 东莞 is the same county; the city is its execution area.
    assert scoring.closeness((nancheng.path,), dongcheng.path) == w.CLOSENESS[3]
    assert scoring.closeness((city.path,), dongcheng.path) == w.CLOSENESS[3]
    assert scoring.closeness((dongcheng.path,), dongcheng.path) == w.CLOSENESS[4]
    assert scoring.closeness((guangdong["440106"].path,), dongcheng.path) == w.CLOSENESS[1]
    assert rules.execution_area((), dongcheng.path) == (city.path,)


# --- the admin's page --------------------------------------------------------------------------


def upload(client, content: bytes, name="guangdong.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("staff:regions_import"), {"file": file})


def test_an_admin_uploads_reads_the_report_and_applies(client):
    admin = factories.AdminFactory()
    client.force_login(admin)
    assert client.get(reverse("staff:regions_import")).status_code == 200
    response = upload(client, GUANGDONG.read_bytes())
    batch = RegionImport.objects.get()
    assert response.url == reverse("staff:regions_import_report", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "<dd>1901</dd>" in page and "广州市" in page and "应用这些变更" in page
    assert not Region.objects.exists()

    response = client.post(reverse("staff:regions_import_report", args=[batch.pk]), follow=True)
    assert "区划已更新" in response.content.decode()
    assert Region.objects.count() == 1901
    batch.refresh_from_db()
    assert batch.applied_by == admin and not batch.rows.exists()
    audit = AuditEvent.objects.get(action="regions.imported")
    assert audit.actor == admin and audit.data["new"] == 1901
    # Applying twice is refused; the tree stays as it is.
    response = client.post(reverse("staff:regions_import_report", args=[batch.pk]), follow=True)
    assert "已经应用" in response.content.decode()


def test_the_page_shows_the_reasons_of_a_refused_file(client):
    client.force_login(factories.AdminFactory())
    bad = MALFORMED["a child before its parent"][0]
    page = upload(client, bad).content.decode()
    assert "未写入任何内容" in page and "上级 440100 在后面的第 4 行" in page
    assert not Region.objects.exists() and not RegionImport.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "anonymous"])
def test_nobody_but_an_admin_may_import(client, regions, who):
    if who != "anonymous":
        user = (
            factories.coordinator(regions["440000"])
            if who == "coordinator"
            else factories.VolunteerFactory()
        )
        client.force_login(user)
    staged = RegionImport.objects.create(file_name="guangdong.csv")
    pages = [
        client.get(reverse("staff:regions_import")),
        upload(client, GUANGDONG.read_bytes()),
        client.get(reverse("staff:regions_import_report", args=[staged.pk])),
        client.post(reverse("staff:regions_import_report", args=[staged.pk])),
    ]
    if who == "anonymous":
        assert all(r.status_code == 302 and "/accounts/login/" in r.url for r in pages)
    else:
        assert [r.status_code for r in pages] == [404] * 4
    assert Region.objects.count() == len(regions) and RegionImport.objects.count() == 1


def test_the_command_reports_then_applies(db, capsys):
    call_command("regions_load", str(GUANGDONG), "--quiet-progress")
    assert not Region.objects.exists()
    call_command("regions_load", str(GUANGDONG), "--apply", "--quiet-progress")
    assert Region.objects.count() == 1901
    assert "new: 1901" in capsys.readouterr().out
