"""portal.prepared: a query compiled once runs with each request's values where its stand-ins
were, with the same rows as the ORM would give for those values; on PostgreSQL too, whose
backend wraps an integer compared with an integer column (psycopg's Int4)."""

import pytest

from portal.models import Region
from portal.prepared import Prepared

pytestmark = pytest.mark.django_db


def _by_depth(depth):
    # Region.depth is an integer column (treebeard), so PostgreSQL's backend wraps the value.
    return Region.objects.filter(depth=depth).order_by("path").values_list("name")


def test_an_integer_column_compared_with_a_stand_in_gives_each_values_rows(regions):
    prepared = Prepared(_by_depth, depth=2_147_204_990)  # in range: see curriculum.todos
    for depth in (1, 2, 3):
        assert prepared.rows(depth=depth) == list(_by_depth(depth))
    provinces = {name for (name,) in prepared.rows(depth=1)}
    assert {"广东省", "四川省"} <= provinces
    assert "天河区" not in provinces


def test_a_stand_in_the_sql_does_not_take_is_refused(regions):
    prepared = Prepared(lambda depth: Region.objects.filter(depth=2).values_list("name"), depth=-3)
    with pytest.raises(RuntimeError):
        prepared.rows(depth=2)
