"""Reading a region's dashboard: who may, and its figures for a month rolled up the tree.

Whatever the size of the data, a dashboard is a fixed handful of queries: the month's figures
of the region's subtree summed by figure, twelve months of the headline figures, and the
month's figures summed per child region (plus the region, its ancestors and children)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Sum
from wagtail.models import Page

from dashboards import figures as f
from dashboards import months as m
from dashboards.display import Value, show
from dashboards.models import MonthFigure
from portal.models import Region, User
from portal.rights import REPORTS_VIEW, has_right, regions_with

TREND_MONTHS = 12


def may_see_dashboard(user: User, region: Region) -> bool:
    """Admins everywhere; coordinators and observers over the region or one above it (the
    right to the region's figures, portal.rights). Everyone else is told the page does not
    exist (404), as for anything else a role may not see."""
    return has_right(user, REPORTS_VIEW, region)


def dashboard_home_region(user: User) -> Region | None:
    """The widest region whose dashboard the user may see (the first province for admins)."""
    return regions_with(user, REPORTS_VIEW).order_by("depth", "code").first()


@dataclass
class Row:
    figure: f.Figure
    value: Value
    trend: list[Value] = field(default_factory=list)
    # Translated once: a page shows each label up to three times.
    label: str = ""
    help: str = ""


@dataclass
class SectionView:
    section: f.Section
    rows: list[Row]
    extra: list[tuple[str, Value]] = field(default_factory=list)  # learning by theme/series

    @property
    def headline(self) -> list[Row]:
        return [row for row in self.rows if row.trend]

    def trend_rows(self, months: list[date]) -> list[tuple[str, list[Value]]]:
        """The trend as table rows: a month (YYYY-MM), then each headline figure."""
        return [
            (f"{month:%Y-%m}", [row.trend[i] for row in self.headline])
            for i, month in enumerate(months)
        ]

    def chart(self, months: list[date]) -> dict:
        """What the section's trend chart draws: the headline figures, suppressed cells empty."""
        return {
            "id": self.section.code,
            "title": str(self.section.title),
            "months": [f"{month:%Y-%m}" for month in months],
            "series": [
                {
                    "name": row.label,
                    "share": row.figure.unit == f.SHARE,
                    "data": [v.number for v in row.trend],
                }
                for row in self.rows
                if row.figure.headline
            ],
        }


@dataclass
class Child:
    region: Region | None  # None: figures counted in the region itself, in no child
    values: dict[str, Value]


@dataclass
class Dashboard:
    region: Region
    month: date
    ancestors: list[Region]
    children: list[Region]
    sections: list[SectionView]
    months: list[date]
    comparison: list[Child]
    columns: list[f.Figure]
    suppressed: bool
    updated_at: object = None

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def column_labels(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def charts(self) -> dict:
        return {
            "sections": [s.chart(self.months) for s in self.sections],
            "comparison": {
                "columns": [
                    {"key": c.key, "label": str(c.label), "unit": c.unit} for c in self.columns
                ],
                "rows": [
                    {
                        "name": child.region.name,
                        "values": {k: v.number for k, v in child.values.items()},
                        "hidden": [k for k, v in child.values.items() if v.suppressed],
                    }
                    for child in self.comparison
                    if child.region is not None
                ],
            },
        }


def _below_county(region: Region) -> bool:
    """Where the small-cell rule applies: a judicial office."""
    return region.level >= Region.Level.JUDICIAL_OFFICE


def _subtree(region: Region):
    """The figures of the region and every region beneath it. The regions are a subquery,
    not a join: the database then reads the figures by (region, month) from the unique index
    instead of joining every figure row of the month to its region."""
    regions = Region.objects.filter(path__startswith=region.path).values("pk")
    return MonthFigure.objects.filter(region_id__in=regions)


def dashboard(region: Region, month: date, *, sort: str = "", descending: bool = True):
    """Everything one dashboard page shows, for `region` in `month`."""
    suppressed = _below_county(region)
    months = m.months_ending(month, TREND_MONTHS)
    sums: dict[str, int] = {}
    updated_at = None
    for key, total, latest in (
        _subtree(region)
        .filter(month=month)
        .values_list("key")
        .annotate(Sum("value"), Max("updated_at"))
        .order_by()
    ):
        sums[key] = total
        updated_at = max(filter(None, [updated_at, latest]), default=None)
    by_month: dict[date, dict[str, int]] = {month: {} for month in months}
    for when, key, total in (
        _subtree(region)
        .filter(month__gte=months[0], month__lte=month, key__in=f.TREND_KEYS)
        .values_list("month", "key")
        .annotate(Sum("value"))
        .order_by()
    ):
        by_month[when][key] = total
    sections = [_section(section, sums, by_month, months, suppressed) for section in f.SECTIONS]
    children = list(region.get_children())
    columns = [f.FIGURES[key] for key in f.HEADLINE]
    return Dashboard(
        region=region,
        month=month,
        ancestors=list(region.get_ancestors()),
        children=children,
        sections=sections,
        months=months,
        comparison=_comparison(region, month, children, columns, sums, sort, descending),
        columns=columns,
        suppressed=suppressed,
        updated_at=updated_at,
    )


def _section(section, sums, by_month, months, suppressed) -> SectionView:
    rows = []
    for figure in section.figures:
        if not figure.recorded:
            rows.append(Row(figure, Value.not_recorded(), label=str(figure.label)))
            continue
        trend = (
            [show(figure, by_month[month], suppressed=suppressed) for month in months]
            if figure.headline
            else []
        )
        value = show(figure, sums, suppressed=suppressed)
        rows.append(Row(figure, value, trend, label=str(figure.label), help=str(figure.help)))
    view = SectionView(section, rows)
    if section.code == "learning":
        view.extra = _by_theme(sums, suppressed)
    return view


def _by_theme(sums: dict[str, int], suppressed: bool) -> list[tuple[str, Value]]:
    """Lessons completed or attended, by the theme or series they belong to, most first."""
    ids = {
        int(k.removeprefix(f.LESSONS_PREFIX)): v
        for k, v in sums.items()
        if k.startswith(f.LESSONS_PREFIX)
    }
    if not ids:
        return []
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    figure = f.Figure("lessons", "")
    rows = sorted(ids.items(), key=lambda item: (-item[1], titles.get(item[0], "")))
    return [
        (titles.get(pk, "?"), show(figure, {"lessons": n}, suppressed=suppressed)) for pk, n in rows
    ]


def _comparison(region, month, children, columns, sums, sort, descending) -> list[Child]:
    """The month's headline figures of each child region (and what is counted in the region
    itself, in no child), sorted by `sort` (a column key; the region name when empty)."""
    if not children:
        return []
    keys = {part for c in columns for part in (c.of if c.unit == f.SHARE else (c.key,))}
    child_path = region.child_path_sql("region__path")
    per_child: dict[str, dict[str, int]] = {child.path: {} for child in children}
    rows = (
        _subtree(region)
        .filter(month=month, key__in=keys, region__depth__gt=region.depth)
        .annotate(child=child_path)
        .values_list("child", "key")
        .annotate(Sum("value"))
        .order_by()
    )
    for path, key, total in rows:
        per_child.setdefault(path, {})[key] = total
    # Each child by its own level: under a city without counties (东莞) the children are offices.
    result = [
        Child(
            child,
            {
                c.key: show(c, per_child[child.path], suppressed=_below_county(child))
                for c in columns
            },
        )
        for child in children
    ]
    own = {k: sums.get(k, 0) - sum(values.get(k, 0) for values in per_child.values()) for k in keys}
    if any(own.values()):
        below = _below_county(region)
        result.append(Child(None, {c.key: show(c, own, suppressed=below) for c in columns}))
    if sort in {c.key for c in columns}:
        named = [c for c in result if c.region is not None]
        named.sort(key=lambda c: (c.values[sort].sort_key, c.region.code), reverse=descending)
        result = named + [c for c in result if c.region is None]
    return result


def months_choice(month: date) -> tuple[date, date | None]:
    """The month before and after `month` (None after the current month), for the picker."""
    after = m.add_months(month, 1)
    return m.add_months(month, -1), after if after <= m.this_month() else None
