"""Applying a checked import to the tree, inside the caller's transaction.

New regions are written level by level (provinces, cities, counties, offices), each level in
(parent, code) order, with their treebeard paths built here and saved with bulk_create: the
whole country is about 45,000 rows and one add_child each would take many minutes. Only a
region that must slot in between existing siblings of the same parent goes through treebeard's
add_child, which keeps siblings in code order (node_order_by). Moves use treebeard's move;
renames, restorations and retirements are plain updates. Memory holds one chunk of rows and the
parents of the chunk.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Region, RegionImport, RegionImportRow
from portal.region_import.checks import CHUNK, Progress, Report, retired_queryset

BATCH = 1000  # rows per INSERT / UPDATE


def apply(batch: RegionImport, report: Report, progress: Progress) -> None:
    """Write what `report` (the checks, just run in this transaction) found; a kind of change
    it found none of is not looked for again."""
    staged = RegionImportRow.objects.filter(batch=batch)
    counts = report.counts
    if counts["new"]:
        known = Region.objects.filter(code=OuterRef("code"))
        bar = progress(_("Writing"), counts["new"])
        for level in Region.Level:
            new = staged.filter(level=level).filter(~Exists(known))
            _create(new.order_by("parent_code", "code"), bar)
        bar.close()
    if counts["moved"]:
        for _level, code, parent_code in _moves(staged):
            region = Region.objects.get(code=code)  # read afresh: an earlier move shifts paths
            region.move(Region.objects.get(code=parent_code), pos="sorted-child")
    if counts["renamed"]:
        _rename(staged)
    if counts["restored"]:
        Region.objects.filter(retired_at__isnull=False, code__in=staged.values("code")).update(
            retired_at=None
        )
    if counts["retired"]:
        retired_queryset(batch).update(retired_at=timezone.now())
    Region.shape_changed()


class _Siblings:
    """Where the next new child of one parent goes: after its last child, or (when a new code
    sorts before an existing sibling) through treebeard, which shifts the siblings after it."""

    def __init__(self, parent: Region | None):
        self.parent = parent
        self.depth = parent.depth + 1 if parent else 1
        self.appended = 0
        self._read_last()

    def _read_last(self) -> None:
        last = None
        if self.parent is None:
            last = Region.get_last_root_node()
        elif self.parent.numchild:  # a parent made by this import has none yet: no query
            last = self.parent.get_last_child()
        self.step = Region._str2int(last.path[-Region.steplen :]) if last else 0
        self.last_code = last.code if last else ""

    def needs_treebeard(self, row: RegionImportRow) -> bool:
        return row.code < self.last_code

    def add(self, row: RegionImportRow) -> None:
        fields = {"code": row.code, "name": row.name, "level": row.level}
        if self.parent is None:
            Region.add_root(**fields)
        else:
            self.parent.add_child(**fields)
            self.parent.refresh_from_db(fields=["numchild"])
        self._read_last()

    def place(self, row: RegionImportRow) -> Region:
        """An unsaved region with its path, after the last child."""
        self.step += 1
        self.appended += 1
        path = Region._get_path(self.parent.path if self.parent else "", self.depth, self.step)
        return Region(path=path, depth=self.depth, numchild=0, code=row.code, name=row.name,
                      level=row.level)  # fmt: skip


def _create(rows, bar) -> None:
    """Write the rows (one level, in parent and code order) under their parents."""
    pending: list[Region] = []
    siblings: _Siblings | None = None
    for chunk in _chunks(rows):
        parents = {
            p.code: p
            for p in Region.objects.filter(code__in={r.parent_code for r in chunk if r.parent_code})
        }
        counted = [siblings] if siblings else []
        for row in chunk:
            parent = parents.get(row.parent_code)
            if siblings is None or siblings.parent != parent:
                siblings = _Siblings(parent)
                counted.append(siblings)
            if siblings.needs_treebeard(row):
                _flush(pending)  # treebeard reads the siblings: they must be written
                pending = []
                siblings.add(row)
            else:
                pending.append(siblings.place(row))
            bar.update(1)
        _flush(pending)
        pending = []
        _count_children(counted)


def _count_children(counted: list[_Siblings]) -> None:
    """numchild of the parents that received appended children (add_child counts its own)."""
    updates = []
    for s in counted:
        if s.parent is not None and s.appended:
            s.parent.numchild += s.appended
            s.appended = 0
            updates.append(s.parent)
    Region.objects.bulk_update(updates, ["numchild"], batch_size=BATCH)


def _flush(pending: list[Region]) -> None:
    if pending:
        Region.objects.bulk_create(pending, batch_size=BATCH)


def _chunks(queryset):
    chunk = []
    for row in queryset.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _moves(staged) -> list[tuple[int, str, str]]:
    """(level, code, new parent code) of the regions under another parent than the file says,
    the higher levels first, so an office follows a county that moved in the same file."""
    moves = []
    for chunk in _chunks(staged.exclude(parent_code="").order_by("row_no")):
        codes = {r.code for r in chunk} | {r.parent_code for r in chunk}
        paths = dict(Region.objects.filter(code__in=codes).values_list("code", "path"))
        moves += [
            (r.level, r.code, r.parent_code)
            for r in chunk
            if paths[r.code][: -Region.steplen] != paths[r.parent_code]
        ]
    return sorted(moves)


def _rename(staged) -> None:
    for chunk in _chunks(staged.order_by("row_no")):
        names = {r.code: r.name for r in chunk}
        changed = []
        for region in Region.objects.filter(code__in=names).only("pk", "code", "name"):
            if region.name != names[region.code]:
                region.name = names[region.code]
                changed.append(region)
        Region.objects.bulk_update(changed, ["name"], batch_size=BATCH)
