"""Ids parsed once, by one rule: ASCII digits only, and never beyond what a database column holds.

`str.isdigit()` accepts "²" and other scripts' digits that `int()` then refuses (a 500), and
`int()` happily reads 2**64, which SQLite cannot bind and which no bigint column holds. Path
arguments go through `IdConverter` (registered as `<id:...>` by portal.apps), form fields
through portal.fields, and query strings and socket frames through `parse_id`/`parse_int`.
"""

import re

from django.core.exceptions import BadRequest

# The largest value of a bigint column, the type of every primary key here (PostgreSQL and SQLite).
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(raw, *, low: int, high: int) -> int | None:
    """An integer from text (ASCII digits, nothing else) or from JSON (an int, never a bool),
    within [low, high]; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None


def parse_id(raw, *, low: int = 1) -> int | None:
    """A database id (1 and up, or `low` and up, e.g. 0 for "everything after id 0")."""
    return parse_int(raw, low=low, high=MAX_ID)


def query_id(params, name: str, *, low: int = 1) -> int | None:
    """The id a query string or form names (None when absent); a value that is no id is a
    bad request (400, the translated 400 page), never a 500."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    value = parse_id(raw, low=low)
    if value is None:
        raise BadRequest(f"{name} is not an id")
    return value


class IdConverter:
    """`<id:pk>`: like Django's `<int:pk>`, but an id no column can hold does not match (404)
    instead of reaching the query."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError("not an id")  # the resolver reads it as "no match"
        return parsed

    def to_url(self, value) -> str:
        return str(value)
