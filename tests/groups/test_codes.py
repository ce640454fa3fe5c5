"""Two coordinators creating groups at the same moment get distinct codes, on PostgreSQL's
real concurrency (row locks across connections)."""

import threading

import pytest
from django.db import connection

from groups import codes, services
from groups.models import CorrectionGroup
from tests import factories
from tests.groups.conftest import group_data


def test_reserving_blocks_hands_out_disjoint_ranges(db):
    first = codes.reserve_numbers("GD-440106-2026", 5)
    second = codes.reserve_numbers("GD-440106-2026", 3)
    assert list(first) == [1, 2, 3, 4, 5] and list(second) == [6, 7, 8]
    assert list(codes.reserve_numbers("SC-510107-2026")) == [1]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_in_one_county_gives_distinct_codes(regions, reference_data):
    coordinators = [factories.coordinator(regions["440106"]) for _ in range(6)]
    start = threading.Barrier(len(coordinators))
    made, failures = [], []

    def create(coordinator):
        try:
            start.wait(timeout=10)
            made.append(
                services.group_create(data=group_data(regions), created_by=coordinator).code
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(c,)) for c in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert len(made) == len(set(made)) == len(coordinators)
    assert sorted(int(code[-4:]) for code in made) == list(range(1, len(coordinators) + 1))
    assert CorrectionGroup.objects.count() == len(coordinators)
