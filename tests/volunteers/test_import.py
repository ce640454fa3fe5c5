"""Bulk import: a dry run reporting each bad row, an all-or-nothing idempotent import, and
refusals of wrong headers, wrong types and oversized files."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.models import AuditEvent, User
from tests.volunteers import factories as vf
from volunteers.models import VolunteerProfile
from volunteers.services.imports import HEADERS, MAX_BYTES, volunteers_import


def rows(count, *, start=0, region="440106005"):
    return [
        [
            f"import{start + i}@example.cn",
            f"志愿者{start + i}",
            "志愿者" if i % 3 else "社工",
            f"王{start + i}",
            "女" if i % 2 else "男",
            vf.id_number(born=f"1988{1 + i // 900:02d}01", serial=i % 900 + 100),
            "法律援助、心理咨询",
            region,
        ]
        for i in range(count)
    ]


def as_csv(table, name="志愿者.csv", encoding="utf-8-sig"):
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def as_xlsx(table, name="志愿者.xlsx"):
    book = Workbook()
    for row in table:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.mark.parametrize("make", [as_csv, as_xlsx])
def test_a_dry_run_writes_nothing_and_the_import_is_idempotent(world, make):
    table = [list(HEADERS), *rows(5)]
    report = volunteers_import(upload=make(table), coordinator=world.coordinator, dry_run=True)
    assert report.ok and len(report.valid) == 5 and report.imported == 0
    assert not User.objects.filter(email__startswith="import").exists()

    report = volunteers_import(upload=make(table), coordinator=world.coordinator, dry_run=False)
    assert report.imported == 5
    imported = VolunteerProfile.objects.filter(user__email__startswith="import")
    assert imported.count() == 5
    assert set(imported.values_list("status", flat=True)) == {"approved"}
    assert imported.filter(kind="social_worker").count() == 2
    first = imported.get(user__email="import0@example.cn")
    assert list(first.regions.values_list("code", flat=True)) == ["440106005"]
    assert set(first.skills.values_list("code", flat=True)) == {
        "legal_aid",
        "psychological_counselling",
    }
    assert first.id_hash and "*" in first.id_masked

    again = volunteers_import(upload=make(table), coordinator=world.coordinator, dry_run=False)
    assert again.existing == 5 and again.imported == 0
    assert imported.count() == 5
    assert AuditEvent.objects.filter(action="volunteer.imported").count() == 1


def test_each_bad_row_is_reported_with_its_reason_and_nothing_is_half_imported(world):
    table = [list(HEADERS), *rows(3)]
    table.append(
        ["坏邮箱", "甲", "志愿者", "甲", "男", vf.id_number(serial=901), "法律援助", "440106"]
    )
    table.append(
        ["a@example.cn", "乙", "学生", "乙", "男", vf.id_number(serial=902), "法律援助", "440106"]
    )
    bad_id = vf.id_number(serial=903)
    table.append(
        [
            "b@example.cn",
            "丙",
            "志愿者",
            "丙",
            "男",
            bad_id[:-1] + ("1" if bad_id[-1] != "1" else "2"),
            "法律援助",
            "440106",
        ]
    )
    table.append(
        ["c@example.cn", "丁", "志愿者", "丁", "男", vf.id_number(serial=904), "魔术", "440106"]
    )
    table.append(
        ["d@example.cn", "戊", "志愿者", "戊", "男", vf.id_number(serial=905), "法律援助", "510107"]
    )
    same_id_as_row_2 = rows(1)[0]
    same_id_as_row_2[0] = "e@example.cn"
    table.append(same_id_as_row_2)
    table.append(
        [
            world.volunteer.email,
            "己",
            "志愿者",
            "己",
            "女",
            vf.id_number(serial=906),
            "法律援助",
            "440106",
        ]
    )
    report = volunteers_import(upload=as_csv(table), coordinator=world.coordinator, dry_run=False)
    assert not report.ok and report.imported == 0
    rows_with_errors = [number for number, _reason in report.errors]
    assert rows_with_errors == [5, 6, 7, 8, 9, 10, 11]
    reasons = dict(report.errors)
    assert "校验位" in reasons[7]
    assert "魔术" in reasons[8]
    assert "510107" in reasons[9]
    assert "第 2 行" in reasons[10]
    assert not User.objects.filter(email__startswith="import").exists()


def test_a_wrong_header_is_refused(world):
    table = [["邮箱", "名字"], *rows(2)]
    with pytest.raises(ValidationError) as error:
        volunteers_import(upload=as_csv(table), coordinator=world.coordinator, dry_run=True)
    assert "表头" in error.value.messages[0]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("志愿者.pdf", b"%PDF-1.4 not a table"),
        SimpleUploadedFile("志愿者.xlsx", b"name,email\n"),
        SimpleUploadedFile("志愿者.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
    ids=["pdf", "csv-named-xlsx", "png-named-csv"],
)
def test_a_wrong_type_is_refused(world, upload):
    with pytest.raises(ValidationError):
        volunteers_import(upload=upload, coordinator=world.coordinator, dry_run=True)


def test_a_50_mb_upload_is_refused_before_it_is_read(world):
    upload = SimpleUploadedFile("志愿者.csv", b"")
    upload.size = 50 * 1024 * 1024
    assert upload.size > MAX_BYTES
    with pytest.raises(ValidationError) as error:
        volunteers_import(upload=upload, coordinator=world.coordinator, dry_run=True)
    assert "5 MB" in error.value.messages[0]


def test_ten_thousand_bad_rows_are_all_reported_and_nothing_is_written(world):
    table = [list(HEADERS)] + [
        [f"bad{i}@example.cn", "某", "志愿者", "某", "男", "123", "法律援助", "440106"]
        for i in range(10_000)
    ]
    report = volunteers_import(upload=as_csv(table), coordinator=world.coordinator, dry_run=False)
    assert len(report.errors) == 10_000 and report.imported == 0
    assert not User.objects.filter(email__startswith="bad").exists()


def test_only_coordinators_import(world):
    with pytest.raises(PermissionDenied):
        volunteers_import(upload=as_csv([list(HEADERS)]), coordinator=world.lead, dry_run=True)


def test_the_import_page_shows_the_dry_run_report(world, client_for):
    table = [list(HEADERS), *rows(2)]
    table[2][5] = "123"
    response = client_for(world.coordinator).post(
        reverse("volunteers:import"), {"file": as_csv(table), "dry_run": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "import-errors" in page and '<td class="nowrap">3</td>' in page
    response = client_for(world.coordinator).post(
        reverse("volunteers:import"), {"file": SimpleUploadedFile("a.txt", b"x"), "import": "1"}
    )
    assert "errorlist" in response.content.decode()
