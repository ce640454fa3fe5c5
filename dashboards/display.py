"""How a stored figure is shown: hours from tenths and minutes, shares from two counts, and the
small-cell rule. Below county level (a judicial office), a count of 1 to 4 shows as "<5", and
so does a share of fewer than 5: nobody is re-identified from a small number. The hidden number
is not sent to the browser at all (the chart gets a gap), nor written to the export."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dashboards import figures as f

SMALL = 5
SMALL_TEXT = "<5"


@dataclass(frozen=True)
class Value:
    text: str
    number: float | None  # what the chart and the spreadsheet get; None: nothing to draw
    sort_key: float
    suppressed: bool = False
    recorded: bool = True

    def __str__(self) -> str:
        return self.text

    @classmethod
    def not_recorded(cls) -> "Value":
        return cls(str(_("not recorded")), None, -1, recorded=False)

    @classmethod
    def small(cls) -> "Value":
        # Sorted between 0 and 5 whatever it hides, so the order gives nothing away either.
        return cls(SMALL_TEXT, None, SMALL / 2, suppressed=True)


def show(figure: f.Figure, sums: dict[str, int], *, suppressed: bool) -> Value:
    if figure.unit == f.SHARE:
        part, whole = (sums.get(key, 0) for key in figure.of)
        if not whole:
            return Value("—", None, -1)
        if suppressed and whole < SMALL:
            return Value.small()
        percent = round(100 * part / whole)
        return Value(f"{percent}%", percent, percent)
    raw = sums.get(figure.key, 0)
    if figure.unit == f.TENTHS:
        hours = raw / 10
        return Value(f"{hours:,.1f}", hours, hours)
    if figure.unit == f.MINUTES:
        hours = round(raw / 60, 1)
        return Value(f"{hours:,.1f}", hours, hours)
    if suppressed and 0 < raw < SMALL:
        return Value.small()
    return Value(f"{raw:,}", raw, raw)
