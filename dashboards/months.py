"""Months as the dashboards count them: the first day of the month, in the portal's time zone."""

from datetime import date, datetime, time

from django.utils import timezone


def month_of(day: date) -> date:
    return day.replace(day=1)


def this_month() -> date:
    return month_of(timezone.localdate())


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_ending(month: date, count: int) -> list[date]:
    """`count` months up to and including `month`, oldest first."""
    return [add_months(month, offset) for offset in range(1 - count, 1)]


def parse_month(text: str) -> date:
    """'2026-03' -> date(2026, 3, 1); ValueError for anything else."""
    if len(text) != 7 or text[4] != "-":
        raise ValueError(text)
    return date(int(text[:4]), int(text[5:]), 1)


def bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of `month` and of the month after it, aware, in the portal's zone."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(month, time.min), zone),
        timezone.make_aware(datetime.combine(add_months(month, 1), time.min), zone),
    )
