"""The learning report's figures for a region and month are worked out by one visit at a time:
coordinators opening the province's report together (its figures just went stale) wait for the
first one's instead of each counting the province again (portal.page_cache.work_out_once)."""

import threading
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from curriculum import caching, conf
from portal import page_cache

pytestmark = pytest.mark.django_db


def never():
    raise AssertionError("worked out twice")


def _being_worked_out(region, month):
    """The summary's key and stamp, with another visit holding the key that says it is working
    the summary out."""
    key = f"curriculum.report.summary.{region.pk}.{month:%Y%m}"
    generation = caching.HOURS.value()
    cache.add(f"{key}.making.{generation}", 1)
    return key, (generation, conf.required_minutes()), f"{key}.making.{generation}"


def test_a_visit_waits_for_the_figures_another_visit_is_working_out(regions):
    region, month = regions["440106"], timezone.localdate()
    key, stamp, making = _being_worked_out(region, month)
    figures = {"groups": 3, "minutes": 135}

    def the_other_visit_finishes():
        time.sleep(0.3)
        page_cache.keep_stamped((key, stamp), figures, caching.REPORT_SECONDS)
        cache.delete(making)

    other = threading.Thread(target=the_other_visit_finishes)
    other.start()
    summary, _generation = caching.report_summary(region, month, never)
    other.join()
    assert summary == figures


def test_a_visit_works_the_figures_out_itself_when_the_other_gives_up(regions, monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.3)
    region, month = regions["440106"], timezone.localdate()
    _being_worked_out(region, month)  # and never finishes
    figures = {"groups": 1, "minutes": 45}
    assert caching.report_summary(region, month, lambda: figures)[0] == figures
    # ... and keeps them for the next visit.
    assert caching.report_summary(region, month, never)[0] == figures
