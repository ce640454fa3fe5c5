"""Through a real uvicorn on Redis, over real sockets and HTTP: the coordinator sends a drill,
a connected member gets the banner event at once and acknowledges, and the coordinator's board
hears each step without a reload; a member who connects later gets it on connecting."""

import json

import pytest

from alerts.models import Alert, Recipient
from tests.alerts.http import Person, frame_of
from tests.servers import asgi_server

# PostgreSQL: the server process must open the test database.
pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]


def test_a_connected_member_gets_the_banner_acknowledges_and_the_board_follows(world):
    with asgi_server() as server:
        coordinator = Person(server, world.coordinator)
        member = Person(server, world.volunteer)
        late = Person(server, world.tiannan_volunteer)
        with coordinator.socket() as board, member.socket() as phone:
            status, headers, _ = coordinator.request("POST", "/alerts/new/", {
                "key": "realtime-1", "kind": "drill", "scope": "groups",
                "region": world.regions["440106"].pk, "confirm": "1",
                "message": "【演练】天河区暴雨内涝，请立即确认所联系对象是否安全。",
            })  # fmt: skip
            alert = Alert.objects.get()
            assert (status, headers["Location"]) == (302, f"/alerts/{alert.pk}/")

            banner = frame_of(phone, "alert.sent")
            assert banner["payload"]["alert"] == alert.pk and banner["payload"]["drill"]
            phone.send(json.dumps({"type": "alert.delivered", "alert": alert.pk, "seen": True}))
            progress = frame_of(board, "alert.progress")
            assert progress["payload"]["newly"] == ["delivered", "opened"]

            status, _, answer = member.request(
                "POST", f"/alerts/{alert.pk}/acknowledge/", {"reply": "已联系上"},
                json_reply=True,
            )  # fmt: skip
            assert (status, answer) == (200, {"ok": True})
            assert frame_of(phone, "alert.done")["payload"]["alert"] == alert.pk
            progress = frame_of(board, "alert.progress")
            assert progress["payload"]["newly"] == ["acknowledged"]
            assert progress["payload"]["reply"] == "已联系上"

            # Offline until now: the socket's first question brings the banner.
            with late.socket() as laptop:
                laptop.send(json.dumps({"type": "alert.sync"}))
                opened = frame_of(laptop, "alert.open")
                assert [a["alert"] for a in opened["payload"]["alerts"]] == [alert.pk]

        status, _, page = coordinator.request("GET", f"/alerts/{alert.pk}/")
        assert status == 200 and "已联系上" in page
    row = Recipient.objects.get(alert=alert, user=world.volunteer)
    assert row.sent_at <= row.delivered_at <= row.acknowledged_at
