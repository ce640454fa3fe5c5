"""The board, the report and the workbook cost the same queries for a handful of people and
for hundreds across many groups (django_assert_max_num_queries), acknowledgements included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services
from groups.models import Membership
from tests import factories
from tests.alerts.conftest import make_group, send

pytestmark = pytest.mark.django_db

# Session, user, roles and the menu (4); the alert; counts, acknowledgement times, the previous
# drill and its figures (5); the page of groups, its count and its people (3); the banner.
BOARD = 14
# Session, user, roles and the menu; the alert with its kept figures; the acknowledgements; the
# audit row (the workbook) or the banner (the page).
REPORT = 7
WORKBOOK = 7


def grow(world, groups=30, per_group=6):
    """Many more groups and members in the county."""
    for _ in range(groups):
        group = make_group(world.regions, "440106006", world.coordinator)
        people = factories.VolunteerFactory.create_batch(per_group)
        Membership.objects.bulk_create(
            Membership(group=group, user=p, role=Membership.Role.VOLUNTEER) for p in people
        )


def acknowledge_half(alert):
    for n, row in enumerate(alert.recipients.select_related("user").order_by("pk")):
        if n % 2 == 0:
            services.recipient_acknowledge(alert_id=alert.pk, user=row.user, reply="已联系上")


def measure(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", ["small", "large"])
def test_board_report_and_workbook_cost_the_same_at_any_size(
    world, client_for, size, django_assert_max_num_queries
):
    if size == "large":
        grow(world)
    previous = send(world, key="before")  # the region's previous drill, still open
    acknowledge_half(previous)
    alert = send(world, key="now")
    acknowledge_half(alert)
    assert alert.recipient_count == (6 if size == "small" else 6 + 30 * 6)
    client = client_for(world.coordinator)
    client.get("/me/")  # the session and the page cache warm
    with django_assert_max_num_queries(BOARD):
        client.get(f"/alerts/{alert.pk}/")
    with django_assert_max_num_queries(BOARD):
        client.get(f"/alerts/{alert.pk}/", {"page": 2})
    services.alert_close(alert=alert, closed_by=world.coordinator)
    with django_assert_max_num_queries(REPORT):
        page = client.get(f"/alerts/{alert.pk}/report/")
    assert "已联系上" in page.content.decode()
    with django_assert_max_num_queries(WORKBOOK):
        client.get(f"/alerts/{alert.pk}/report.xlsx")


def test_the_board_shows_fifty_groups_a_page(world, client_for):
    grow(world, groups=55, per_group=1)
    alert = send(world)
    client = client_for(world.coordinator)
    first = client.get(f"/alerts/{alert.pk}/").content.decode()
    second = client.get(f"/alerts/{alert.pk}/", {"page": 2}).content.decode()
    assert first.count('class="board-group"') == 50
    assert second.count('class="board-group"') == 57 - 50
    assert measure(client, f"/alerts/{alert.pk}/") == measure(client, f"/alerts/{alert.pk}/?page=2")
