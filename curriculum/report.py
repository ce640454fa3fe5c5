"""The month report as an Excel workbook (openpyxl, write-only so 50,000 rows stay small)."""

from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook

from curriculum import conf
from portal.spreadsheet import safe_row, workbook_bytes


def hours_workbook(rows, *, region, month: date) -> bytes:
    required = conf.required_minutes()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"{month:%Y-%m}")
    sheet.append(
        safe_row(
            [
                _("Learning hours of %(region)s, %(month)s")
                % {"region": region.name, "month": f"{month:%Y-%m}"}
            ]
        )
    )
    sheet.append(
        [
            _("Group"),
            _("Judicial office"),
            _("Online (hours)"),
            _("Offline (hours)"),
            _("Total (hours)"),
            _("Required (hours)"),
            _("Below the requirement"),
        ]
    )
    for group in rows.iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                [
                    group.code,
                    group.judicial_office.name,
                    round(group.online / 60, 2),
                    round(group.offline / 60, 2),
                    round(group.total / 60, 2),
                    round(required / 60, 2),
                    _("yes") if group.total < required else _("no"),
                ]
            )
        )
    return workbook_bytes(book)
