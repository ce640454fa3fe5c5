from collections.abc import Iterable

from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from portal.validators import validate_region_code


class Region(MP_Node):
    """An administrative division, from province down to the judicial office (司法所).

    Divisions are keyed by their GB/T 2260 six-digit code; a judicial office carries the 9-digit
    code of the township it serves. The materialised path (treebeard) makes "this region and
    everything beneath it" one indexed prefix query, which is how staff scopes are checked.

    Code elsewhere never slices a path by hand: the helpers below say what it means (the regions
    above, the county a path lies in, whether two places share a city). Levels are read from the
    depth here and nowhere else, so a tree with towns straight under a city (东莞, 中山) changes
    this class only.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")
        JUDICIAL_OFFICE = 4, _("Judicial office")

    code = models.CharField(_("code"), max_length=9, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=60)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def level(self) -> "Region.Level":
        return Region.level_of(self.path)

    def covers(self, other: "Region") -> bool:
        """True for this region itself and every region beneath it."""
        return other.path.startswith(self.path)

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)

    def ancestor_paths(self) -> list[str]:
        """The paths of this region and of every region above it, the province first."""
        return Region.paths_above(self.path)

    def path_at(self, level: int) -> str | None:
        """The path of the region of `level` this one lies in (itself at its own level); None
        when this region is above that level (a city has no county)."""
        return Region.path_at_level(self.path, level)

    @property
    def province_path(self) -> str | None:
        return self.path_at(Region.Level.PROVINCE)

    @property
    def city_path(self) -> str | None:
        return self.path_at(Region.Level.CITY)

    @property
    def county_path(self) -> str | None:
        return self.path_at(Region.Level.COUNTY)

    def same_place(self, other: "Region", level: int) -> bool:
        """Whether both lie in one region of `level` (same county, same city ...)."""
        return Region.paths_share(self.path, other.path, level)

    # --- path arithmetic, for code holding paths rather than rows (matching, search) -----------

    @staticmethod
    def path_length(level: int) -> int:
        """How long the path of a region of `level` is."""
        return int(level) * Region.steplen

    @staticmethod
    def level_of(path: str) -> "Region.Level":
        """The level of the region at `path` (anything deeper counts as a judicial office)."""
        return Region.Level(min(len(path) // Region.steplen, Region.Level.JUDICIAL_OFFICE))

    @staticmethod
    def path_at_level(path: str, level: int) -> str | None:
        """The path of the region of `level` that `path` lies in, or None above that level."""
        end = Region.path_length(level)
        return path[:end] if path and len(path) >= end else None

    @staticmethod
    def path_at_level_sql(level: int, field: str = "path") -> Substr:
        """path_at_level in the database, for annotations: the paths must be at `level` or
        below it (a shorter path comes back whole)."""
        return Substr(field, 1, Region.path_length(level))

    @staticmethod
    def paths_above(path: str) -> list[str]:
        """The path itself and the path of every region above it, the province first."""
        step = Region.steplen
        return [path[:end] for end in range(step, len(path) + 1, step)]

    @staticmethod
    def paths_above_all(paths: Iterable[str]) -> set[str]:
        """Every region any of the paths lies in (themselves included): the regions whose
        staff cover one of them, in one `path__in` query."""
        return {above for path in paths for above in Region.paths_above(path)}

    @staticmethod
    def paths_share(a: str, b: str, level: int) -> bool:
        """Whether two paths lie in one region of `level` (False if either is above it)."""
        at = Region.path_at_level(a, level)
        return at is not None and at == Region.path_at_level(b, level)

    @staticmethod
    def shared_level(a: str, b: str) -> int:
        """The deepest level two paths share: 0 for different provinces, 3 for the same county,
        4 for the same judicial office. (Matching asks this for every candidate: plain ints.)"""
        shared = 0
        for level, end in _LEVEL_ENDS:
            if len(a) < end or len(b) < end or a[:end] != b[:end]:
                break
            shared = level
        return shared

    @staticmethod
    def common_path(paths: Iterable[str]) -> str:
        """The path of the smallest region holding every path ("" when they share no
        province)."""
        paths = list(paths)
        common = paths[0] if paths else ""
        for path in paths[1:]:
            common = next(
                (above for above in reversed(Region.paths_above(common)) if path.startswith(above)),
                "",
            )
        return common


# (level, path length) from the province down, read by the hot helpers above.
_LEVEL_ENDS = tuple((level, Region.path_length(level)) for level in Region.Level.values)
