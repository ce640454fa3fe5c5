"""The week grid: seven days of three parts (morning, afternoon, evening) as 21 bits, bit
`day * 3 + part` with Monday morning bit 0. A volunteer's availability and a group's meeting
times are stored this way (0 on a group: any time), so forms of both apps tick the same boxes
and matching compares them with one AND.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
PARTS = (_("Morning"), _("Afternoon"), _("Evening"))
BITS = len(DAYS) * len(PARTS)
WHOLE_WEEK = (1 << BITS) - 1


def bit(day: int, part: int) -> int:
    """The bit of a day (0 Monday) and a part of it (0 morning)."""
    return day * len(PARTS) + part


# The checkbox choices of a form: value is the bit, label "星期一 上午" (lazy, so it follows the
# language of each request).
WEEK_CHOICES = [
    (str(bit(d, p)), format_lazy("{} {}", day, part))
    for d, day in enumerate(DAYS)
    for p, part in enumerate(PARTS)
]


def week_bits(choices) -> int:
    """The ticked WEEK_CHOICES as the 21-bit week."""
    return sum(1 << int(choice) for choice in choices) & WHOLE_WEEK


def week_choices(bits: int) -> list[str]:
    """The 21-bit week as the WEEK_CHOICES to tick."""
    return [str(i) for i in range(BITS) if bits >> i & 1]


def week_rows(cells) -> list[tuple]:
    """Any 21 cells, one per bit in order, as rows of (day, [(cell, part), ...]) for a 7 × 3
    table (a form's checkboxes, or whether each slot is ticked)."""
    cells = list(cells)
    return [
        (day, [(cells[bit(d, p)], part) for p, part in enumerate(PARTS)])
        for d, day in enumerate(DAYS)
    ]
