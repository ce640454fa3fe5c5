"""The dry run: stage the file's rows, check them against each other and against the tree, and
describe what applying them would change (new, renamed, moved, retired, restored).

The rows are staged (RegionImportRow) and read back a chunk at a time in file order; each chunk
looks up the staged rows and regions it names in two queries. So the checks that compare rows
(a code twice, a parent after its child, a county under a province, a code that changes level)
hold nothing but one chunk in memory, whether the file is one county or the whole country.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from portal.models import Region, RegionImport, RegionImportRow
from portal.region_import.reader import Row, RowError

CATEGORIES = ("new", "renamed", "moved", "restored", "retired")
EXAMPLES = 10  # rows shown per category
MAX_ERRORS = 200  # reasons kept; the count goes on
CHUNK = 2000
# Which level may hold which: an office sits under a county, or under a city without counties.
PARENT_LEVELS = {
    Region.Level.CITY: {Region.Level.PROVINCE},
    Region.Level.COUNTY: {Region.Level.CITY},
    Region.Level.JUDICIAL_OFFICE: {Region.Level.COUNTY, Region.Level.CITY},
}

Progress = Callable[[str, int | None], object]  # (what, total) -> a bar with update(n), close()


def no_progress(what: str, total: int | None = None):
    return _NoBar()


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


@dataclass
class Report:
    """What a file would change, or why it cannot be applied. Stored as JSON on the import."""

    rows: int = 0
    levels: dict[str, int] = field(default_factory=dict)  # rows by level ("1".."4")
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    examples: dict[str, list] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""  # the file as a whole could not be read
    file_error_row: int | None = None

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.file_error

    @property
    def changes(self) -> int:
        return sum(self.counts.values())

    def error(self, row_no: int | None, code: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row_no, "code": code, "message": message})

    def found(self, category: str, **example) -> None:
        self.counts[category] += 1
        if len(self.examples[category]) < EXAMPLES:
            self.examples[category].append(example)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        return cls(**data)

    def level_counts(self) -> list[tuple[str, int]]:
        """(level label, rows), province first, for the page."""
        return [(str(level.label), self.levels.get(str(level.value), 0)) for level in Region.Level]

    def sorted_errors(self) -> list[dict]:
        return sorted(self.errors, key=lambda e: e["row"] or 0)


def stage(
    batch: RegionImport, rows: Iterable[Row | RowError], report: Report, progress: Progress
) -> None:
    """Keep the rows that pass their own checks; the others become the report's errors."""
    bar = progress(_("Reading"), None)
    pending = []
    for item in rows:
        bar.update(1)
        if isinstance(item, RowError):
            report.error(item.row_no, item.code, item.message)
            continue
        report.rows += 1
        level = str(item.level)
        report.levels[level] = report.levels.get(level, 0) + 1
        pending.append(RegionImportRow(batch=batch, **asdict(item)))
        if len(pending) >= CHUNK:
            RegionImportRow.objects.bulk_create(pending)
            pending = []
    RegionImportRow.objects.bulk_create(pending)
    bar.close()


def check(batch: RegionImport, report: Report, progress: Progress) -> None:
    """The checks across rows and against the tree, and the changes, into `report`."""
    bar = progress(_("Checking"), report.rows)
    staged = RegionImportRow.objects.filter(batch=batch)
    for chunk in _chunks(staged.order_by("row_no")):
        _check_chunk(batch, chunk, report)
        bar.update(len(chunk))
    bar.close()
    _check_mixed_cities(staged, report)
    _find_retired(batch, report)
    _name_old_parents(batch, report)


def _chunks(queryset):
    chunk = []
    for row in queryset.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(batch, chunk: list[RegionImportRow], report: Report) -> None:
    codes = {r.code for r in chunk} | {r.parent_code for r in chunk if r.parent_code}
    staged: dict[str, list[tuple[int, int]]] = {}
    for code, row_no, level in (
        RegionImportRow.objects.filter(batch=batch, code__in=codes)
        .order_by("row_no")
        .values_list("code", "row_no", "level")
    ):
        staged.setdefault(code, []).append((row_no, level))
    existing = {
        r.code: r
        for r in Region.objects.filter(code__in=codes).only(
            "code", "name", "path", "depth", "level", "retired_at"
        )
    }
    for row in chunk:
        problems = _problems(row, staged, existing.get(row.code))
        for problem in problems:
            report.error(row.row_no, row.code, problem)
        if not problems:
            _compare(row, existing.get(row.code), existing.get(row.parent_code), report)


def _problems(row, staged, region) -> list[str]:
    problems = []
    first_row, _level = staged[row.code][0]
    if first_row < row.row_no:
        problems.append(_("the code %(code)s is already on row %(row)d") % {
            "code": row.code, "row": first_row})  # fmt: skip
    if row.parent_code:
        parents = staged.get(row.parent_code, [])
        earlier = [(n, level) for n, level in parents if n < row.row_no]
        if not parents:
            problems.append(_("its parent %(code)s is not in the file") % {"code": row.parent_code})
        elif not earlier:
            problems.append(
                _("its parent %(code)s comes later, on row %(row)d: parents come first")
                % {"code": row.parent_code, "row": parents[0][0]}
            )
        elif earlier[0][1] not in PARENT_LEVELS[row.level]:
            problems.append(
                _("a %(level)s cannot sit under a %(parent)s (%(code)s)")
                % {
                    "level": _level_word(row.level),
                    "parent": _level_word(earlier[0][1]),
                    "code": row.parent_code,
                }
            )
    if region is not None and region.level != row.level:
        problems.append(
            _("%(code)s is a %(was)s in the tree; a region cannot change level (to %(now)s)")
            % {
                "code": row.code,
                "was": _level_word(region.level),
                "now": _level_word(row.level),
            }
        )
    return problems


def _level_word(level: int) -> str:
    return str(Region.Level(level).label).lower()


def _compare(row, region, parent, report: Report) -> None:
    if region is None:
        report.found("new", row=row.row_no, code=row.code, name=row.name)
        return
    if region.name != row.name:
        report.found("renamed", row=row.row_no, code=row.code, name=row.name, was=region.name)
    if row.parent_code and (parent is None or region.path[: -Region.steplen] != parent.path):
        report.found(
            "moved",
            row=row.row_no,
            code=row.code,
            name=row.name,
            was=region.path[: -Region.steplen],  # named afterwards (_name_old_parents)
            now=row.parent_code,
        )
    if region.retired_at is not None:
        report.found("restored", row=row.row_no, code=row.code, name=row.name)


def _check_mixed_cities(staged, report: Report) -> None:
    """A city holds counties or judicial offices, never both: the path helpers read an office
    straight under a city from the city alone."""
    mixed = (
        staged.filter(level__in=[Region.Level.COUNTY, Region.Level.JUDICIAL_OFFICE])
        .values("parent_code")
        .annotate(kinds=Count("level", distinct=True))
        .filter(kinds__gt=1)
        .values_list("parent_code", flat=True)
    )
    for city in staged.filter(code__in=list(mixed[:MAX_ERRORS]), level=Region.Level.CITY):
        report.error(
            city.row_no,
            city.code,
            _(
                "the city %(code)s holds both counties and judicial offices; a city without "
                "counties holds its offices directly, any other city holds counties"
            )  # fmt: skip
            % {"code": city.code},
        )


def retired_queryset(batch: RegionImport):
    """Regions of the file's provinces that the file no longer lists (and that are in use)."""
    provinces = Region.objects.filter(
        code__in=RegionImportRow.objects.filter(batch=batch, level=Region.Level.PROVINCE).values(
            "code"
        )
    ).values_list("path", flat=True)
    scope = Q(pk__in=[])
    for path in provinces:
        scope |= Q(path__startswith=path)
    listed = RegionImportRow.objects.filter(batch=batch, code=OuterRef("code"))
    return Region.objects.filter(scope, retired_at__isnull=True).filter(~Exists(listed))


def _find_retired(batch: RegionImport, report: Report) -> None:
    retired = retired_queryset(batch)
    report.counts["retired"] = retired.count()
    report.examples["retired"] = [
        {"row": None, "code": code, "name": name}
        for code, name in retired.order_by("path").values_list("code", "name")[:EXAMPLES]
    ]


def _name_old_parents(batch: RegionImport, report: Report) -> None:
    """The moved examples say where each region was and goes by name (the new parent as the
    file names it), not by path and code."""
    moved = report.examples["moved"]
    was = dict(
        Region.objects.filter(path__in={m["was"] for m in moved}).values_list("path", "name")
    )
    now = dict(
        RegionImportRow.objects.filter(batch=batch, code__in={m["now"] for m in moved})
        .order_by("-row_no")
        .values_list("code", "name")
    )
    for m in moved:
        m["was"], m["now"] = was.get(m["was"], m["was"]), now.get(m["now"], m["now"])
