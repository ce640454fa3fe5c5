"""The banner's rows (alerts.selectors.open_recipients_of) are read with a query compiled once
per process: each person gets their own open alerts, oldest first, with the alert, its sender
and its region as the ORM reads them, in one query and nothing read later."""

import pytest

from alerts import selectors, services
from alerts.models import Alert, Recipient
from tests.alerts.conftest import county_drill, send

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_each_person_gets_their_own_open_alerts_as_the_orm_reads_them(
    world, django_assert_num_queries
):
    first = send(world, key="a")
    second = send(world, county_drill(world, message="第二条：请立即确认。"), key="b")
    services.recipient_acknowledge(alert_id=first.pk, user=world.lead)
    expected = {
        user.pk: list(
            Recipient.objects.filter(
                user=user, acknowledged_at__isnull=True, alert__status=Alert.Status.SENT
            )
            .select_related("alert__sender", "alert__region")
            .order_by("alert__created_at", "alert_id")
        )
        for user in (world.volunteer, world.lead)
    }
    assert [r.alert_id for r in expected[world.volunteer.pk]] == [first.pk, second.pk]
    assert [r.alert_id for r in expected[world.lead.pk]] == [second.pk]
    for user in (world.volunteer, world.lead):
        with django_assert_num_queries(1):
            rows = selectors.open_recipients_of(user)
            # Everything the banner and the socket's payload show is read with the rows.
            shown = [
                (r.alert.message, r.alert.sender.display_name, r.alert.region.name) for r in rows
            ]
        assert shown[-1] == ("第二条：请立即确认。", world.coordinator.display_name, "天河区")
        assert [
            (fields(r), fields(r.alert), fields(r.alert.sender), fields(r.alert.region))
            for r in rows
        ] == [
            (fields(r), fields(r.alert), fields(r.alert.sender), fields(r.alert.region))
            for r in expected[user.pk]
        ]


def test_nobody_else_gets_them_and_closed_alerts_go(world):
    alert = send(world)
    assert selectors.open_recipients_of(world.outsider) == []
    assert [r.alert_id for r in selectors.open_recipients_of(world.volunteer)] == [alert.pk]
    services.alert_close(alert=alert, closed_by=world.coordinator)
    assert selectors.open_recipients_of(world.volunteer) == []
