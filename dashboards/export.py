"""The dashboard as an .xlsx workbook for the monthly committee meeting: one sheet per section
(the month's figures, then twelve months of its headline figures), and one comparing the child
regions. The same values as the page, small cells hidden the same way."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards.display import Value
from portal.spreadsheet import safe_text


def safe(cell):
    if isinstance(cell, Value):
        if not cell.recorded or cell.suppressed or cell.number is None:
            return cell.text
        return cell.number
    # A region name or a lesson title typed by someone: never a live formula.
    return safe_text(cell)


def _width(value) -> int:
    text = str(value if not isinstance(value, Value) else value.text)
    # A Chinese character is about two Latin ones wide.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet(book: Workbook, title: str, heading: str, blocks: list[list[list]]):
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe(heading)])
    sheet["A1"].font = Font(bold=True, size=13)
    widths: dict[int, int] = {}
    for block in blocks:
        sheet.append([])
        for n, row in enumerate(block):
            sheet.append([safe(cell) for cell in row])
            if n == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            for column, cell in enumerate(row, start=1):
                widths[column] = max(widths.get(column, 0), _width(cell))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)
    return sheet


def workbook(board) -> bytes:
    book = Workbook()
    book.remove(book.active)
    place = f"{board.region.name} · {board.month:%Y-%m}"
    this_month = f"{board.month:%Y-%m}"
    for view in board.sections:
        blocks = [
            [[_("Figure"), this_month]] + [[str(row.figure.label), row.value] for row in view.rows]
        ]
        headline = [row for row in view.rows if row.trend]
        if headline:
            blocks.append(
                [[_("Month"), *(str(row.figure.label) for row in headline)]]
                + [
                    [f"{month:%Y-%m}", *(row.trend[i] for row in headline)]
                    for i, month in enumerate(board.months)
                ]
            )
        if view.extra:
            blocks.append([[_("Theme or series"), _("Lessons taken")], *map(list, view.extra)])
        _sheet(book, str(view.section.sheet), f"{place} · {view.section.title}", blocks)
    if board.comparison:
        header = [_("Region"), *(str(c.label) for c in board.columns)]
        rows = [
            [
                child.region.name
                if child.region
                else _("Counted in %(region)s itself") % {"region": board.region.name},
                *(child.values[c.key] for c in board.columns),
            ]
            for child in board.comparison
        ]
        _sheet(book, _("Child regions"), f"{place} · {_('Child regions')}", [[header, *rows]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
