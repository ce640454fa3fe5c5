"""Writing people's own text into a spreadsheet safely: the one helper every export uses.

A text cell starting with one of FORMULA_STARTS is a formula to a spreadsheet (CSV/formula
injection): a volunteer's "=HYPERLINK(...)" in an hours description would become a live link
in the coordinator's export. People type their names, replies and descriptions, so such text is
written with a leading apostrophe; numbers, dates and empty cells pass as they are.
tests/portal/test_spreadsheets.py checks that every module writing a workbook uses this one.
"""

import io

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """The value itself, or text that a spreadsheet shows as the same text but never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A row for sheet.append(), every text cell made safe."""
    return [safe_text(value) for value in values]


def header_row(sheet, titles) -> None:
    """Append a bold header row to a write-only sheet."""
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def workbook_bytes(book) -> bytes:
    """The .xlsx file of a workbook, for a download response."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
