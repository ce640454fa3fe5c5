import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from portal.validators import validate_region_code


class RegionQuerySet(MP_NodeQuerySet):
    def active(self):
        """Regions in use: a retired region keeps its rows but is offered nowhere."""
        return self.filter(retired_at__isnull=True)

    def county_level(self):
        """Counties, and the cities without counties that do a county's work (东莞, 中山)."""
        return self.filter(
            models.Q(level=Region.Level.COUNTY) | models.Q(path__in=Region.county_cities())
        )

    def county_or_below(self):
        """Counties and judicial offices, and the cities that act as counties: where people
        serve."""
        return self.filter(
            models.Q(level__gte=Region.Level.COUNTY) | models.Q(path__in=Region.county_cities())
        )


class RegionManager(MP_NodeManager.from_queryset(RegionQuerySet)):
    def get_queryset(self):
        return RegionQuerySet(self.model, using=self._db).order_by("path")


class LevelField(models.PositiveSmallIntegerField):
    """The level as a Region.Level (so `region.level.label` reads), stored as its number."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else Region.Level(value)

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else Region.Level(value)


class Region(MP_Node):
    """An administrative division, from province down to the judicial office (司法所).

    Divisions are keyed by their GB/T 2260 six-digit code; a judicial office carries the 9-digit
    code of the township it serves. The materialised path (treebeard) makes "this region and
    everything beneath it" one indexed prefix query, which is how staff scopes are checked.

    The level is stored, not read from the depth: most judicial offices sit under a county
    (depth 4), but a city without counties (东莞, 中山, 儋州) holds its towns' offices directly
    (depth 3). For such an office **the city acts as its county**: its county path is the city's
    path, and two of its towns lie in one county. Code elsewhere never slices a path by hand: the
    helpers below say what a path means, and they alone know where levels sit in it.

    A retired region (gone from the national code list) keeps its groups, roles and audit rows,
    but is offered in no picker and receives no new group.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")
        JUDICIAL_OFFICE = 4, _("Judicial office")

    code = models.CharField(_("code"), max_length=9, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=60)
    level = LevelField(_("level"), choices=Level.choices, db_index=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    node_order_by = ["code"]
    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

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
        when this region is above that level (a city has no county). An office straight under a
        city lies in that city as its county (read from the stored level)."""
        if self.level == Region.Level.JUDICIAL_OFFICE and self.depth == Region.Level.COUNTY:
            if level == Region.Level.JUDICIAL_OFFICE:
                return self.path
            if level == Region.Level.COUNTY:
                level = Region.Level.CITY
        return Region.path_at_level(self.path, level)

    @property
    def province_path(self) -> str | None:
        return self.path_at(Region.Level.PROVINCE)

    @property
    def city_path(self) -> str | None:
        return self.path_at(Region.Level.CITY)

    @property
    def county_path(self) -> str | None:
        """The county this region lies in; for an office straight under a city (东莞's towns)
        and for such a city itself, the city, which does a county's work there."""
        return self.path_at(Region.Level.COUNTY)

    def same_place(self, other: "Region", level: int) -> bool:
        """Whether both lie in one region of `level` (same county, same city ...)."""
        at = self.path_at(level)
        return at is not None and at == other.path_at(level)

    # --- path arithmetic, for code holding paths rather than rows (matching, search) -----------
    #
    # Depth and level differ only below a city without counties; the paths of the offices
    # straight under a city are kept in memory (_Shape, a few dozen nationally) so these stay
    # plain string functions that hot loops can call.

    @staticmethod
    def path_length(level: int) -> int:
        """How long the path of a region of `level` is in a city with counties (provinces and
        cities always; counties and offices there)."""
        return int(level) * Region.steplen

    @staticmethod
    def level_of(path: str) -> "Region.Level":
        """The level of the region at `path` (anything deeper counts as a judicial office)."""
        depth = len(path) // Region.steplen
        if depth == Region.Level.COUNTY and path in _shape().offices:
            return Region.Level.JUDICIAL_OFFICE
        return Region.Level(min(depth, Region.Level.JUDICIAL_OFFICE))

    @staticmethod
    def path_at_level(path: str, level: int) -> str | None:
        """The path of the region of `level` that `path` lies in, or None above that level. In a
        city without counties the city is the county of its offices (and of itself)."""
        if level >= Region.Level.COUNTY and path[:_CITY_END] in _shape().cities:
            if level == Region.Level.COUNTY:
                return path[:_CITY_END]
            end = Region.path_length(Region.Level.COUNTY)  # the office: one step beneath
            return path[:end] if len(path) >= end else None
        end = Region.path_length(level)
        return path[:end] if path and len(path) >= end else None

    def child_path_sql(self, field: str = "path") -> Substr:
        """For rows at or beneath this region: the path of the child of this region they lie in
        (the row's own path for a child itself), in the database, for grouping by child."""
        return Substr(field, 1, len(self.path) + Region.steplen)

    @staticmethod
    def path_at_level_sql(level: int, field: str = "path") -> Substr:
        """path_at_level in the database, for annotations, for the province or city (whose
        depth is their level everywhere): the paths must be at `level` or below it."""
        if level > Region.Level.CITY:
            raise ValueError("Only a province or city sits at a fixed depth.")
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
        """The deepest level two paths share: 0 for different provinces, 3 for the same county
        (two towns of 东莞 share their city as county), 4 for the same judicial office.
        (Matching asks this for every candidate: plain ints.)"""
        shared = 0
        for level, end in _LEVEL_ENDS:
            if len(a) < end or len(b) < end or a[:end] != b[:end]:
                break
            shared = level
        if shared in (Region.Level.CITY, Region.Level.COUNTY) and a[:_CITY_END] in _shape().cities:
            # A city without counties is its offices' county; one step beneath is the office.
            return shared + 1
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

    @staticmethod
    def county_cities() -> frozenset[str]:
        """The paths of the cities without counties, whose offices sit straight beneath them."""
        return _shape().cities

    @staticmethod
    def shape_changed() -> None:
        """Writers of the tree call this after adding or moving offices: this process reads the
        shape afresh now (inside the writer's transaction), the others within
        SHAPE_RECHECK_SECONDS of the commit."""
        _load_shape(_current.token if _current else None)
        transaction.on_commit(_publish_shape)


# (level, path length) from the province down, read by the hot helpers above.
_LEVEL_ENDS = tuple((level, Region.path_length(level)) for level in Region.Level.values)
_CITY_END = Region.path_length(Region.Level.CITY)

# Where the tree's shape differs from "level = depth". Each process keeps it; a writer leaves a
# new token in the shared cache, and readers compare tokens at most every SHAPE_RECHECK_SECONDS
# (a cache read, not a query, so pages' query counts stay as they are).
SHAPE_CACHE_KEY = "portal:regions:shape"
SHAPE_RECHECK_SECONDS = 30


@dataclass
class _Shape:
    offices: frozenset[str]  # paths of the judicial offices straight under a city
    cities: frozenset[str]  # paths of those cities
    token: str | None
    checked_at: float


_current: _Shape | None = None


def _load_shape(token: str | None) -> _Shape:
    global _current
    offices = frozenset(
        Region.objects.filter(
            depth=Region.Level.COUNTY, level=Region.Level.JUDICIAL_OFFICE
        ).values_list("path", flat=True)
    )
    _current = _Shape(offices, frozenset(p[:_CITY_END] for p in offices), token, time.monotonic())
    return _current


def _publish_shape() -> None:
    token = uuid.uuid4().hex
    cache.set(SHAPE_CACHE_KEY, token, timeout=None)
    _load_shape(token)


def _shape() -> _Shape:
    shape = _current
    if shape is None:
        return _load_shape(cache.get(SHAPE_CACHE_KEY))
    if time.monotonic() - shape.checked_at > SHAPE_RECHECK_SECONDS:
        token = cache.get(SHAPE_CACHE_KEY)
        if token is not None and token != shape.token:
            return _load_shape(token)
        shape.checked_at = time.monotonic()
    return shape
