"""What a browser sends about alerts on its notification socket (portal.consumers calls these in
a worker thread): the banner arrived, it came on screen, and "what is open for me?" when the
socket (re)connects, so a tab that was offline catches up without a reload."""

from alerts import selectors, services
from alerts.delivery import payload
from portal.converters import parse_id


def _alert_id(frame: dict) -> int | None:
    return parse_id(frame.get("alert"))


def delivered(user, frame: dict) -> None:
    alert_id = _alert_id(frame)
    if alert_id is not None:
        services.recipient_delivered(alert_id=alert_id, user=user, seen=frame.get("seen") is True)


def opened(user, frame: dict) -> None:
    alert_id = _alert_id(frame)
    if alert_id is not None:
        services.recipient_delivered(alert_id=alert_id, user=user, seen=True)


def sync(user, frame: dict) -> dict:
    return {
        "type": "alert.open",
        "payload": {"alerts": [payload(r.alert) for r in selectors.open_recipients_of(user)]},
    }


FRAME_HANDLERS = {"alert.delivered": delivered, "alert.opened": opened, "alert.sync": sync}
