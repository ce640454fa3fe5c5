"""A past flood drill in 天河区 with its after-action report (called by `manage.py seed_demo`).

Sent through the service like any alert; its history (when each person confirmed, who was
e-mailed, when it closed) is then written directly, as the rest of the demo's history is."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts import figures, services
from alerts.models import Alert, Recipient
from alerts.reach import Reach
from portal.models import Region, User

MESSAGE = "【演练】天河区防汛应急演练：请在 5 分钟内确认您所联系的矫正对象是否安全，并回复情况。"
# e-mail: (seconds after the send when the banner reached a browser, acknowledged, reply)
HISTORY = {
    "volunteer@demo.portal.cn": (8, 75, "已联系上，对象在家，安全"),
    "socialworker@demo.portal.cn": (20, 160, "已电话确认，对象安全"),
    "partner@demo.portal.cn": (None, 430, "已收到邮件，对象在岗"),
}
EMAILED_AFTER = 120
CLOSED_AFTER = 30 * 60


def seed(*, stdout) -> None:
    if Alert.objects.exists():
        stdout.write("Alerts: already seeded.")
        return
    coordinator = User.objects.filter(email="coordinator@demo.portal.cn").first()
    county = Region.objects.filter(code="440106").first()
    if coordinator is None or county is None:
        return
    data = services.AlertData(
        message=MESSAGE, reach=Reach(kind=Alert.Reach.COUNTY, region=county), is_drill=True
    )
    try:
        alert, _created = services.alert_send(sender=coordinator, data=data, key="demo-drill")
    except ValidationError:
        stdout.write("Alerts: nobody to reach in 天河区 yet; no demo drill.")
        return
    # Last month, at half past nine.
    sent = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    sent -= timedelta(days=14)
    Alert.objects.filter(pk=alert.pk).update(created_at=sent)
    rows = Recipient.objects.filter(alert=alert).select_related("user")
    rows.update(sent_at=sent + timedelta(seconds=1))
    for row in rows:
        delivered, acknowledged, reply = HISTORY.get(row.user.email, (None, None, ""))
        at = {
            "delivered_at": delivered and sent + timedelta(seconds=delivered),
            "opened_at": acknowledged and sent + timedelta(seconds=acknowledged - 5),
            "acknowledged_at": acknowledged and sent + timedelta(seconds=acknowledged),
            "emailed_at": (
                sent + timedelta(seconds=EMAILED_AFTER)
                if not acknowledged or acknowledged > EMAILED_AFTER
                else None
            ),
        }
        Recipient.objects.filter(pk=row.pk).update(reply=reply, **at)
    alert.refresh_from_db()
    services.alert_close(alert=alert, closed_by=coordinator)
    alert.refresh_from_db()
    alert.closed_at = sent + timedelta(seconds=CLOSED_AFTER)
    alert.report = figures.report(alert)
    alert.save(update_fields=["closed_at", "report"])
    stdout.write(f"Alerts: a closed drill in 天河区 ({alert.recipient_count} people reached).")
