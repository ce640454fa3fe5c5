"""Queries built once per process: a signed-in page's figures whose SQL is the same for
everyone but for a few values (the reader's id, an organisation's, today's date).

Building a queryset with a dozen subqueries or a window function (filters, annotations, the
compiler) cost more Python than the query took the database: the unread badge on every page
(messaging.selectors), the partner's home and organisation pages, a learner's lessons. So the
queryset is compiled once for stand-in values, and each request runs that SQL with its own
values put where the stand-ins were; Django's converters still turn the rows into Python
values (the same as values_list would give).
"""

from collections.abc import Callable
from datetime import date, datetime

from django.db import connection
from django.db.models import QuerySet


def _adapted(value):
    """The value as the backend receives it among a query's parameters (on SQLite, dates and
    times are strings)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _same(param, stand_in) -> bool:
    """Whether a compiled query's parameter is the stand-in. PostgreSQL's backend hands an
    integer compared with an integer column to psycopg wrapped in its type (Int4 for an
    IntegerField: an int subclass), so an integer stand-in is found inside that wrapper."""
    if type(stand_in) is int and isinstance(param, int) and not isinstance(param, bool):
        return int(param) == stand_in
    return type(param) is type(stand_in) and param == stand_in


def _put(param, value):
    """`value` where the stand-in `param` was, in the same integer wrapper (see _same)."""
    wrapper = type(param)
    if wrapper is not int and isinstance(param, int) and type(value) is int:
        return wrapper(value)
    return value


class Prepared:
    """`build(**stand_ins)` compiled once per database connection alias; rows(**values) runs
    it with the values instead of the stand-ins. The stand-ins must be values no query carries
    by itself (a negative id, a date a century ago), and each must reach the SQL."""

    def __init__(self, build: Callable[..., QuerySet], **stand_ins):
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: dict = {}

    def _compile(self):
        key = (connection.alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiler = self.build(**self.stand_ins).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = {}
            for name, value in self.stand_ins.items():
                stand_in = _adapted(value)
                slots[name] = [i for i, p in enumerate(params) if _same(p, stand_in)]
                if not slots[name]:  # the SQL would not depend on it: refuse, never guess
                    raise RuntimeError(f"the prepared query does not take {name!r}")
            compiled = self._compiled[key] = (sql, tuple(params), slots, compiler)
        return compiled

    def rows(self, **values) -> list[tuple]:
        sql, params, slots, compiler = self._compile()
        if values.keys() != slots.keys():
            raise TypeError(f"values for {sorted(slots)} expected, not {sorted(values)}")
        params = list(params)
        for name, value in values.items():
            adapted = _adapted(value)
            for i in slots[name]:
                params[i] = _put(params[i], adapted)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        # The compiler that wrote the SQL knows its columns' converters (dates on SQLite, say).
        return list(compiler.results_iter([fetched], tuple_expected=True))

    def dicts(self, **values) -> list[dict]:
        """The rows as {column: value}, as values() gives them."""
        compiler = self._compile()[3]
        names = [
            alias or expression.target.attname
            for expression, _sql, alias in compiler.select[: compiler.col_count]
        ]
        return [dict(zip(names, row, strict=True)) for row in self.rows(**values)]


def columns(model, prefix: str = "") -> list[str]:
    """Every column of `model` as select_related reads it (each concrete field's attname), after
    `prefix` (the path to the model in a query's values): what a prepared query selects to make
    whole instances of the rows with `instance`."""
    return [prefix + field.attname for field in model._meta.concrete_fields]


def from_row(model, names: list[str], row):
    """An instance of `model` from a prepared row's values in the order of `names` (its first
    len(names) values: the rest of the row belongs to what follows)."""
    return instance(model, **dict(zip(names, row, strict=False)))


def split_row(models, row) -> list:
    """Whole instances of each of `models`, in turn, from one row that selected every column of
    each (columns(model, prefix) for each, in the same order), as select_related would load
    them; anything after those columns is left to the caller."""
    found, start = [], 0
    for model in models:
        names = columns(model)
        found.append(from_row(model, names, row[start:]))
        start += len(names)
    return found


def instance(model, **values):
    """An instance of `model` from a prepared row's values, as the ORM loads one (Model.from_db,
    in the model's field order): with only these fields loaded, as .only(...) would give it (the
    others load when used), or every field, as select_related reads a related row."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])
