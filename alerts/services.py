"""Every write of alerts: sending (stored in one transaction, pushed after commit), a browser's
delivery and opening, a person's acknowledgement, and closing with the after-action report.
Atomic, audited where a person acts on the alert as a whole."""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import delivery, figures
from alerts.models import MESSAGE_MAX, REPLY_MAX, Alert, Recipient
from alerts.reach import Reach, Target, targets
from portal import events, rights
from portal import services as portal_services
from portal.models import User

KEY_MAX = 64


@dataclass(frozen=True)
class AlertData:
    message: str
    reach: Reach
    is_drill: bool


def alert_check(*, sender: User, data: AlertData) -> list[Target]:
    """Everything sending would refuse, refused now; the people it would reach otherwise.

    The confirmation step calls this to say how many people the alert will reach."""
    if not rights.has_right(sender, rights.ALERTS_SEND, data.reach.region):
        raise PermissionDenied(_("You can send alerts only in the regions you coordinate."))
    message = data.message.strip()
    if not message:
        raise ValidationError({"message": _("Write what the recipients need to know.")})
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            {
                "message": _(
                    "An alert must fit on one screen: at most %(max)d characters (this one has "
                    "%(count)d)."
                )
                % {"max": MESSAGE_MAX, "count": len(message)}
            }
        )
    found = targets(data.reach, sender_id=sender.pk)
    if not found:
        raise ValidationError(
            _("Nobody would receive this alert: the chosen groups and roles hold no one.")
        )
    return found


@transaction.atomic
def alert_send(*, sender: User, data: AlertData, key: str) -> tuple[Alert, bool]:
    """Store the alert and a row for each person it reaches, then push it after commit.

    `key` is the compose form's one-time key: submitting the same form twice (a double click,
    a resent request) returns the first alert and sends nothing more. Returns (alert, created).
    """
    key = key.strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationError(_("This form has expired; open the alert form again."))
    existing = Alert.objects.filter(sender=sender, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    found = alert_check(sender=sender, data=data)
    reach = data.reach
    try:
        # A savepoint: a concurrent submission of the same form waits on the unique key and
        # then finds the first one's alert instead of failing.
        with transaction.atomic():
            alert = Alert.objects.create(
                sender=sender,
                region=reach.region,
                group=reach.group,
                reach=reach.kind,
                roles=sorted(reach.roles),
                message=data.message.strip(),
                is_drill=data.is_drill,
                idempotency_key=key,
                recipient_count=len(found),
            )
    except IntegrityError:
        return Alert.objects.get(sender=sender, idempotency_key=key), False
    Recipient.objects.bulk_create(
        (
            Recipient(alert=alert, user_id=t.user_id, group_id=t.group_id, role=t.role)
            for t in found
        ),
        batch_size=2000,
    )
    portal_services.audit_record(
        actor=sender,
        action="alert.sent",
        target=alert,
        region=reach.region,
        data={
            "reach": reach.kind,
            "group": reach.group.code if reach.group else None,
            "roles": sorted(reach.roles),
            "drill": data.is_drill,
            "recipients": len(found),
        },
    )
    transaction.on_commit(partial(delivery.after_send, alert.pk))
    return alert, True


def _progress(recipient: Recipient, newly: list[str]) -> None:
    """Tell the sender's live board what changed for one person."""
    alert = recipient.alert
    payload = {
        "alert": alert.pk,
        "recipient": recipient.pk,
        "group": recipient.group_id,
        "newly": newly,
        "at": timezone.localtime().isoformat(),
    }
    if "acknowledged" in newly:
        payload["seconds"] = round(recipient.seconds_to_acknowledge(), 1)
        payload["reply"] = recipient.reply
        payload["acknowledged_at"] = timezone.localtime(recipient.acknowledged_at).isoformat()
    events.publish([alert.sender_id], "alert.progress", payload)


def _mark(recipient: Recipient, names: list[str]) -> list[str]:
    """Set the timestamps `<name>_at` that are not set yet; the names of those this call set.
    One conditional update; only when another tab of the person set one of them meanwhile,
    one per field (which of them is new is then for each update to say)."""
    now = timezone.now()
    fields = [f"{name}_at" for name in names if getattr(recipient, f"{name}_at") is None]
    if not fields:
        return []
    unset = {f"{field}__isnull": True for field in fields}
    if Recipient.objects.filter(pk=recipient.pk, **unset).update(**dict.fromkeys(fields, now)):
        newly = fields
    else:
        newly = [
            field
            for field in fields
            if Recipient.objects.filter(pk=recipient.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
        ]
    for field in newly:
        setattr(recipient, field, now)
    return [field.removesuffix("_at") for field in newly]


def _own_open(alert_id, user: User) -> Recipient | None:
    return (
        Recipient.objects.select_related("alert")
        .filter(alert_id=alert_id, user=user, alert__status=Alert.Status.SENT)
        .first()
    )


@transaction.atomic
def recipient_delivered(*, alert_id: int, user: User, seen: bool) -> Recipient | None:
    """A browser of the person confirms the banner arrived over its socket (and was on screen,
    `seen`). None when the person is not a recipient of this open alert."""
    recipient = _own_open(alert_id, user)
    if recipient is None:
        return None
    newly = _mark(recipient, ["delivered", "opened"] if seen else ["delivered"])
    if newly:
        transaction.on_commit(partial(_progress, recipient, newly))
    return recipient


@transaction.atomic
def recipients_opened(*, recipients: list[Recipient]) -> None:
    """The person's page showed these alerts' banners (a page load, or a tab brought forward)."""
    for recipient in recipients:
        if recipient.alert.is_open:
            newly = _mark(recipient, ["opened"])
            if newly:
                transaction.on_commit(partial(_progress, recipient, newly))


@transaction.atomic
def recipient_acknowledge(*, alert_id: int, user: User, reply: str = "") -> Recipient:
    """The person has read the alert, with an optional short reply such as "已联系上".

    A second acknowledgement (another tab, a resent form) changes nothing: the first time counts.
    Every open banner of the person closes after commit."""
    reply = " ".join(reply.split())
    if len(reply) > REPLY_MAX:
        raise ValidationError(
            {"reply": _("A reply has at most %(max)d characters.") % {"max": REPLY_MAX}}
        )
    recipient = (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("alert")
        .filter(alert_id=alert_id, user=user)
        .first()
    )
    if recipient is None:
        raise PermissionDenied
    if recipient.acknowledged_at is not None:
        return recipient
    if not recipient.alert.is_open:
        raise ValidationError(_("This alert has been closed; it needs no acknowledgement now."))
    now = timezone.now()
    recipient.acknowledged_at = now
    recipient.reply = reply
    newly = ["acknowledged"]
    if recipient.opened_at is None:
        recipient.opened_at = now
        newly.insert(0, "opened")
    recipient.save(update_fields=["acknowledged_at", "reply", "opened_at"])
    events.publish([user], "alert.done", {"alert": alert_id})
    transaction.on_commit(partial(_progress, recipient, newly))
    return recipient


def may_manage(user: User, alert: Alert) -> bool:
    """The sender, the coordinators of the alert's region and admins see its board and close it."""
    return alert.sender_id == user.pk or rights.has_right(user, rights.ALERTS_SEND, alert.region)


@transaction.atomic
def alert_close(*, alert: Alert, closed_by: User) -> Alert:
    """End an alert: open banners close, no more e-mail or reminders, and the after-action
    figures are computed once and kept with it."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not may_manage(closed_by, alert):
        raise PermissionDenied
    if not alert.is_open:
        raise ValidationError(_("This alert is already closed."))
    alert.status = Alert.Status.CLOSED
    alert.closed_at = timezone.now()
    alert.closed_by = closed_by
    alert.report = figures.report(alert)
    alert.save(update_fields=["status", "closed_at", "closed_by", "report"])
    portal_services.audit_record(
        actor=closed_by,
        action="alert.closed",
        target=alert,
        region=alert.region,
        data={"acknowledged": alert.report["summary"]["acknowledged"], "drill": alert.is_drill},
    )
    waiting = Recipient.objects.filter(alert=alert, acknowledged_at__isnull=True)
    events.publish_to_many(
        waiting.values_list("user_id", flat=True), "alert.done", {"alert": alert.pk}
    )
    return alert


def report_exported(*, alert: Alert, user: User) -> None:
    """An after-action workbook left the portal: who took it."""
    portal_services.audit_record(
        actor=user, action="alert.report_exported", target=alert, region=alert.region
    )
