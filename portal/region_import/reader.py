"""Reading an import file, a row at a time: CSV (UTF-8, or GB18030 as Excel saves it in China),
the same gzipped, or .xlsx. Each row is checked on its own here (columns, code, level, name);
what needs other rows or the tree (duplicates, parents first, changes of level) is
region_import.checks' work.

Nothing is read whole: the file streams through a byte counter that gives up past MAX_BYTES,
and the rows are yielded as they come, so memory stays flat whatever the file holds.
"""

import codecs
import csv
import gzip
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.models import Region

# A cell starting like a formula: an admin opening the file or an export of the tree later
# would run it, so such rows are refused.
from portal.spreadsheet import FORMULA_STARTS

COLUMNS = ("code", "name", "parent_code", "level")
LEVELS = {
    "province": Region.Level.PROVINCE,
    "city": Region.Level.CITY,
    "county": Region.Level.COUNTY,
    "office": Region.Level.JUDICIAL_OFFICE,
}
MAX_BYTES = 8 * 1024 * 1024  # the whole country is about 2 MB
MAX_ROWS = 100_000  # about 45,000 nationally
NAME_MAX = Region._meta.get_field("name").max_length
# The code each level takes: a province 440000, a city 441900, a county 440106, an office
# (the township it serves) 440106005.
CODE_SHAPES = {
    Region.Level.PROVINCE: re.compile(r"^[0-9]{2}0000$"),
    Region.Level.CITY: re.compile(r"^[0-9]{4}00$"),
    Region.Level.COUNTY: re.compile(r"^[0-9]{6}$"),
    Region.Level.JUDICIAL_OFFICE: re.compile(r"^[0-9]{9}$"),
}
_PARENT_CODE = re.compile(r"^[0-9]{6}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_GZIP, _ZIP = b"\x1f\x8b", b"PK\x03\x04"
_SAMPLE = 64 * 1024  # enough text to tell UTF-8 from GB18030


class FileRefused(Exception):
    """The file as a whole cannot be read (too large, not a table, wrong columns)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message, self.row = message, row


@dataclass(frozen=True)
class Row:
    row_no: int  # as a spreadsheet numbers it: the header is row 1
    code: str
    name: str
    parent_code: str
    level: int


@dataclass(frozen=True)
class RowError:
    row_no: int
    code: str
    message: str


class _Limited(io.RawIOBase):
    """A byte stream that refuses to go past MAX_BYTES (a gzip bomb stops there too)."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > MAX_BYTES:
            raise FileRefused(
                _("The file is larger than %(mb)d MB; the whole country is about 2 MB.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        buffer[: len(data)] = data
        return len(data)


def read(file) -> Iterator[Row | RowError]:
    """The rows of a binary file object, each a Row or the RowError saying why not. Raises
    FileRefused when the file is no table of the four columns."""
    head = file.read(4)
    file.seek(0)
    if head.startswith(_ZIP):
        yield from _rows(_xlsx_cells(file))
        return
    raw = _Limited(gzip.GzipFile(fileobj=file) if head[:2] == _GZIP else file)
    stream = io.BufferedReader(raw, buffer_size=_SAMPLE)
    yield from _rows(_csv_cells(stream))


def _csv_cells(stream) -> Iterator[list]:
    try:
        encoding = _encoding(stream.peek(_SAMPLE)[:_SAMPLE])
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        yield from csv.reader(text)
    except UnicodeDecodeError as error:
        raise FileRefused(_("The file is not text in UTF-8 or GB18030: save it as CSV.")) from error
    except (csv.Error, EOFError, OSError) as error:  # gzip.BadGzipFile is an OSError
        raise FileRefused(_("The file is not a readable CSV table.")) from error


def _encoding(sample: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else GB18030."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _xlsx_cells(file) -> Iterator[list]:
    from openpyxl import load_workbook

    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size > MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(mb)d MB; the whole country is about 2 MB.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        # read_only streams the sheet; formulas come back as their text ("=..."), never run.
        book = load_workbook(file, read_only=True, data_only=False)
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError) as error:
        raise FileRefused(_("The file is not a readable .xlsx workbook.")) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number
    return str(value)


def _rows(cells: Iterator[list]) -> Iterator[Row | RowError]:
    header = None
    for row_no, values in enumerate(cells, start=1):
        values = [v.strip() for v in values]
        if not any(values):
            continue
        if header is None:
            header = _header(values, row_no)
            continue
        if row_no > MAX_ROWS + 1:
            raise FileRefused(
                _("The file has more than %(rows)d rows.") % {"rows": MAX_ROWS}, row=row_no
            )
        yield _row(header, values, row_no)
    if header is None:
        raise FileRefused(_("The file is empty."))


def _header(values: list[str], row_no: int) -> dict[str, int]:
    names = [v.lower() for v in values]
    while names and not names[-1]:
        names.pop()
    if sorted(names) != sorted(COLUMNS):
        raise FileRefused(
            _("The columns must be %(expected)s; this file has %(found)s.")
            % {"expected": ", ".join(COLUMNS), "found": ", ".join(v[:20] for v in values[:8])},
            row=row_no,
        )
    return {name: names.index(name) for name in COLUMNS}


def _row(header: dict[str, int], values: list[str], row_no: int) -> Row | RowError:
    cells = {name: values[i] if i < len(values) else "" for name, i in header.items()}
    code = cells["code"][:9] if _is_code(cells["code"]) else ""
    formula = next((v for v in cells.values() if v.startswith(FORMULA_STARTS)), None)
    if formula is not None:
        return RowError(
            row_no,
            code,
            _("a cell starts with “%(char)s”: formulas are not accepted") % {"char": formula[:1]},
        )
    if any(values[len(header) :]):
        return RowError(row_no, code, _("there are cells beyond the four columns"))
    problems = []
    level = LEVELS.get(cells["level"].lower())
    if level is None:
        problems.append(_("the level must be one of %(levels)s") % {"levels": ", ".join(LEVELS)})
    elif not CODE_SHAPES[level].match(cells["code"]):
        problems.append(_code_problem(level, cells["code"]))
    name = cells["name"]
    if not name:
        problems.append(_("the name is empty"))
    elif len(name) > NAME_MAX or _CONTROL.search(name):
        problems.append(
            _("the name must be one line of at most %(max)d characters") % {"max": NAME_MAX}
        )
    parent = cells["parent_code"]
    if level == Region.Level.PROVINCE and parent:
        problems.append(_("a province has no parent"))
    elif level not in (None, Region.Level.PROVINCE) and not _PARENT_CODE.match(parent):
        problems.append(_("the parent code must be the 6-digit code of a province, city or county"))
    if problems:
        return RowError(row_no, code, "; ".join(problems))
    return Row(row_no, cells["code"], name, parent, level)


def _is_code(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _code_problem(level: int, code: str) -> str:
    expected = {
        Region.Level.PROVINCE: _("a province's code is 6 digits ending in 0000"),
        Region.Level.CITY: _("a city's code is 6 digits ending in 00"),
        Region.Level.COUNTY: _("a county's code is 6 digits"),
        Region.Level.JUDICIAL_OFFICE: _("a judicial office's code is the township's 9 digits"),
    }[level]
    return _("%(expected)s, not “%(code)s”") % {"expected": expected, "code": code[:20]}
