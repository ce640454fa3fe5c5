"""Every figure of the dashboards against the hand-worked world of conftest.py, at every level
from judicial office to province, this month and last."""

from decimal import Decimal

import pytest

from dashboards import figures as f
from dashboards import selectors
from dashboards.services import figures_recompute_all, figures_recompute_recent
from portal.models import Region
from tests.dashboards.conftest import (
    CITY,
    EXPECTED,
    EXPECTED_LAST,
    PROVINCE,
    TIANHE,
    YUEXIU,
    A,
)

pytestmark = pytest.mark.django_db


def sums(code: str, month) -> dict[str, int]:
    """The stored figures of a region's subtree, as a dashboard adds them up."""
    from django.db.models import Sum

    from dashboards.models import MonthFigure

    region = Region.objects.get(code=code)
    rows = (
        MonthFigure.objects.filter(month=month, region__path__startswith=region.path)
        .values_list("key")
        .annotate(Sum("value"))
    )
    return dict(rows)


def assert_figures(expected: dict, month):
    """Every region's figures; the province holds only the city, so it has the city's."""
    codes = {code for by_code in expected.values() for code in by_code} | {A, TIANHE, CITY}
    for code in sorted(codes | {PROVINCE}):
        got = sums(code, month)
        for key, by_code in expected.items():
            want = by_code.get(CITY if code == PROVINCE else code, 0)
            assert got.get(key, 0) == want, (code, key)


def test_every_figure_of_this_month_is_the_hand_worked_one(county_world):
    figures_recompute_all()
    assert_figures(EXPECTED, county_world.clock.this)
    # Everything this world counts is expected somewhere (no figure left untested).
    counted = set(sums(PROVINCE, county_world.clock.this))
    lessons = {k for k in counted if k.startswith(f.LESSONS_PREFIX)}
    assert counted - lessons == set(EXPECTED)


def test_the_figures_of_last_month(county_world):
    figures_recompute_all()
    assert_figures(EXPECTED_LAST, county_world.clock.last)


def test_learning_by_theme_and_series(county_world):
    figures_recompute_all()
    board = selectors.dashboard(Region.objects.get(code=CITY), county_world.clock.this)
    learning = next(v for v in board.sections if v.section.code == "learning")
    # The theme: g1 online and g2 at the session; 入矫第一课: g5 online.
    assert [(title, value.text) for title, value in learning.extra] == [
        (county_world.theme.title, "2"),
        ("入矫第一课", "1"),
    ]


def test_the_page_shows_hours_and_shares_worked_out_from_the_counts(county_world):
    figures_recompute_all()
    board = selectors.dashboard(Region.objects.get(code=TIANHE), county_world.clock.this)
    shown = {row.figure.key: row.value.text for v in board.sections for row in v.rows}
    assert shown["service.hours"] == "7.5"
    assert shown["learning.online_minutes"] == "6.0"
    assert shown["learning.share_met"] == "25%"  # g1 of g1, g2, g3, g4
    assert shown["referrals.share_in_time"] == "100%"
    assert shown["learning.first_lesson_share"] == "0%"  # g4 entered, took nothing yet
    assert shown["groups.open"] == "3"
    # What the portal does not record is said, not invented.
    assert shown[None] == "未记录"


def test_a_correction_to_last_months_hours_changes_last_months_figures(county_world):
    figures_recompute_all()
    record = county_world.last_hours
    record.hours = Decimal("4.0")
    record.save(update_fields=["hours"])  # service hours are not announced: beat picks it up
    figures_recompute_recent()
    assert sums(A, county_world.clock.last)["service.hours"] == 40
    assert sums(A, county_world.clock.this)["service.hours"] == 45


def test_the_comparison_of_child_regions(county_world):
    figures_recompute_all()
    board = selectors.dashboard(
        Region.objects.get(code=CITY), county_world.clock.this, sort="groups.open"
    )
    rows = [
        (c.region.code if c.region else None, c.values["groups.open"].text)
        for c in board.comparison
    ]
    # Most open groups first; the city itself counts only an agency (no comparison column).
    assert rows == [(TIANHE, "3"), (YUEXIU, "2")]
    ascending = selectors.dashboard(
        Region.objects.get(code=CITY), county_world.clock.this, sort="groups.open", descending=False
    )
    assert [c.region.code for c in ascending.comparison if c.region] == [YUEXIU, TIANHE]
    # 天河区 counts v2 itself (A and B both): a row of its own after the offices.
    county = selectors.dashboard(Region.objects.get(code=TIANHE), county_world.clock.this)
    assert [
        (c.region and c.region.code, c.values["people.volunteers"].text) for c in county.comparison
    ] == [
        ("440106005", "<5"),
        ("440106006", "0"),
        (None, "1"),
    ]
