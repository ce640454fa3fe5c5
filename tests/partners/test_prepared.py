"""Queries compiled once per process (portal.prepared), tried on partners rows: each run with
its own values in place of the stand-ins, the rows converted as the ORM would, and no query that
ignores one."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from partners.models import JobPlacement
from portal.prepared import Prepared

LONG_AGO = date(1901, 2, 3)


def _closing(organisation_id, since):
    return (
        JobPlacement.objects.filter(organisation_id=organisation_id, closes_on__gte=since)
        .order_by("pk")
        .values_list("pk", "closes_on", "created_at")
    )


def test_each_run_takes_its_own_values_and_gets_python_values(world):
    other = world.job.organisation_id + 1000
    prepared = Prepared(_closing, organisation_id=-7_204_799, since=LONG_AGO)
    today = timezone.localdate()
    rows = prepared.rows(organisation_id=world.organisation.pk, since=today)
    assert rows == [(world.job.pk, world.job.closes_on, world.job.created_at)]
    assert isinstance(rows[0][1], date) and isinstance(rows[0][2], datetime)
    later = world.job.closes_on + timedelta(days=1)
    assert prepared.rows(organisation_id=world.organisation.pk, since=later) == []
    assert prepared.rows(organisation_id=other, since=today) == []
    assert prepared.dicts(organisation_id=world.organisation.pk, since=today) == list(
        _closing(world.organisation.pk, today).values("pk", "closes_on", "created_at")
    )


def test_a_stand_in_the_query_ignores_is_refused(db):
    ignored = Prepared(
        lambda organisation_id, since: _closing(organisation_id, LONG_AGO),
        organisation_id=-7_204_799,
        since=date(1902, 3, 4),
    )
    with pytest.raises(RuntimeError):
        ignored.rows(organisation_id=1, since=LONG_AGO)


def test_every_value_is_asked_for(db):
    prepared = Prepared(_closing, organisation_id=-7_204_799, since=LONG_AGO)
    with pytest.raises(TypeError):
        prepared.rows(organisation_id=1)
