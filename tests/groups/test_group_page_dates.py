"""The group page's dates made in Python (groups.detail._dates, #20) read as the template's
|date filter showed them, in each language and in the current time zone."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from groups.detail import _dates

FILTERED = Template('{{ v|date:"Y-m-d" }}|{{ v|date:"Y-m-d H:i" }}|{{ v|date:"c" }}')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 11, 30, 16, 30, 59, 123456, tzinfo=dt.UTC),  # the next day in Shanghai
        dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 30, 23, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(987, 3, 4, 5, 6, tzinfo=dt.UTC),  # a year of three digits, padded
    ],
)
def test_dates_read_as_the_date_filter_shows_them(value, language):
    with translation.override(language):
        assert "|".join(_dates(value)) == FILTERED.render(Context({"v": value}))
        with timezone.override("America/New_York"):
            assert "|".join(_dates(value)) == FILTERED.render(Context({"v": value}))
