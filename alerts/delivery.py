"""Getting an alert to people, in layers: the push over their notification sockets right after
the alert is stored, an e-mail to whoever has not acknowledged after the wait, then a reminder
to their group's lead. Every step reads what is left to do from the recipients' timestamps and
stamps what it did, so a task that runs twice, or a sweep after a crash, does nothing twice.

A push is stamped (sent_at) only after it left for the channel layer: if the web process dies
during the fan-out, or Redis refuses it, the rows stay unstamped and the beat sweep pushes them
again. Whoever was offline sees the banner anyway on their next page or socket connect (the
banner reads the stored rows), so the push is the fast path, never the only one.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import conf
from alerts.models import Alert, Recipient
from groups.models import Membership
from messaging import sms_notices
from messaging.services import notify
from portal import events, mail
from portal import services as portal_services

logger = logging.getLogger(__name__)

# Recipients per layer message: one message per web process carries this many ids (~6 bytes
# each), so even a province stays a few messages.
PUSH_BATCH = 20_000
# How long the sweep keeps re-checking an open alert (a forgotten one is not swept forever).
SWEEP_WINDOW = timedelta(days=2)


def payload(alert: Alert) -> dict:
    """What a browser needs to show the banner (the same for every recipient); labels come from
    the page, in the person's language."""
    return {
        "alert": alert.pk,
        "drill": alert.is_drill,
        "message": alert.message,
        "sender": alert.sender.display_name,
        "region": alert.region.name,
        "sent_at": timezone.localtime(alert.created_at).isoformat(),
        "ack_url": payload_url(alert),
    }


def payload_url(alert: Alert) -> str:
    return reverse("alerts:acknowledge", args=[alert.pk])


def after_send(alert_id: int) -> None:
    """Right after the sending transaction commits, in the sender's process. The alert is
    stored: a failed push is logged, never the sender's error, and the sweep pushes again."""
    try:
        push(alert_id)
    except Exception:  # noqa: BLE001 - a channel layer raises many kinds when Redis is away
        logger.exception("alert %s: push failed, left to the sweep", alert_id)
    _schedule_escalation(alert_id)


def push(alert_id: int, *, created_before=None) -> int:
    """Push the alert to every recipient not pushed yet (and not acknowledged); the number pushed.
    `created_before`: the sweep leaves alerts younger than that to the process sending them."""
    alert = Alert.objects.select_related("sender", "region").get(pk=alert_id)
    if not alert.is_open or (created_before and alert.created_at > created_before):
        return 0
    rows = list(
        Recipient.objects.filter(
            alert=alert, sent_at__isnull=True, acknowledged_at__isnull=True
        ).values_list("pk", "user_id")
    )
    data = payload(alert)
    for start in range(0, len(rows), PUSH_BATCH):
        batch = rows[start : start + PUSH_BATCH]
        # Not robust: if the layer refuses, the error leaves these rows unstamped for the sweep.
        events.publish_to_many([user for _pk, user in batch], "alert.sent", data, robust=False)
        Recipient.objects.filter(pk__in=[pk for pk, _user in batch]).update(sent_at=timezone.now())
    return len(rows)


def _schedule_escalation(alert_id: int) -> None:
    from alerts.tasks import escalate

    wait = conf.ack_wait_seconds()
    for countdown in (wait, 2 * wait):
        try:
            # A second late: the task checks the time itself and does nothing early.
            escalate.apply_async((alert_id,), countdown=countdown + 1, retry=False)
        except Exception:  # noqa: BLE001 - the broker may be away; the beat sweep escalates
            logger.warning("alert %s: escalation not scheduled, left to the sweep", alert_id)


def escalate(alert_id: int, *, now=None) -> tuple[int, int]:
    """Do whatever is due: e-mail those who have not acknowledged after the wait, remind the
    leads after twice the wait. Returns (people e-mailed, leads reminded) by this call."""
    now = now or timezone.now()
    alert = Alert.objects.select_related("sender", "region").get(pk=alert_id)
    if not alert.is_open:
        return 0, 0
    wait = timedelta(seconds=conf.ack_wait_seconds())
    emailed = _email_waiting(alert) if now >= alert.created_at + wait else 0
    reminded = _remind_leads(alert) if now >= alert.created_at + 2 * wait else 0
    return emailed, reminded


def _subject(alert: Alert) -> str:
    return f"【{alert.kind_label}】" + _("Urgent alert from %(region)s: please acknowledge") % {
        "region": alert.region.name
    }


def _link(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _email_waiting(alert: Alert) -> int:
    with transaction.atomic():
        rows = list(
            Recipient.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(alert=alert, acknowledged_at__isnull=True, emailed_at__isnull=True)
        )
        if not rows:
            return 0
        Recipient.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=timezone.now())
        with translation.override(settings.LANGUAGE_CODE):
            subject = _subject(alert)
            # One text for all: a county's alert is thousands of messages.
            body = render_to_string(
                "alerts/email/alert.txt",
                {"alert": alert, "link": _link(payload_url(alert)), "site": settings.PORTAL_NAME},
            )
        for row in rows:
            mail.send_on_commit(mail.compose(subject=subject, body=body, to=[row.user.email]))
        # And by SMS to those who chose it: the text says only that an alert waits.
        sms_notices.send_for(kind="alert.waiting", user_ids=[row.user_id for row in rows])
        portal_services.audit_record(
            actor=None,
            action="alert.emailed",
            target=alert,
            region=alert.region,
            data={"recipients": len(rows)},
        )
    return len(rows)


def _remind_leads(alert: Alert) -> int:
    """One reminder to each group's lead naming the members who still have not acknowledged."""
    with transaction.atomic():
        rows = list(
            Recipient.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(
                alert=alert,
                acknowledged_at__isnull=True,
                lead_reminded_at__isnull=True,
                group__isnull=False,
            )
            .order_by("group_id", "pk")
        )
        waiting = defaultdict(list)
        for row in rows:
            waiting[row.group_id].append(row)
        leads = Membership.objects.filter(
            group_id__in=waiting, role=Membership.Role.LEAD, left_at__isnull=True
        ).select_related("user", "group")
        reminded, stamped = 0, []
        with translation.override(settings.LANGUAGE_CODE):
            subject = _subject(alert)
            for lead in leads:
                members = [r for r in waiting[lead.group_id] if r.user_id != lead.user_id]
                if not members:
                    continue
                _remind(alert, lead, members, subject)
                stamped += [r.pk for r in members]
                reminded += 1
        Recipient.objects.filter(pk__in=stamped).update(lead_reminded_at=timezone.now())
        if reminded:
            portal_services.audit_record(
                actor=None,
                action="alert.leads_reminded",
                target=alert,
                region=alert.region,
                data={"leads": reminded, "members": len(stamped)},
            )
    return reminded


def _remind(alert: Alert, lead: Membership, members: list[Recipient], subject: str) -> None:
    names = "、".join(m.user.display_name for m in members)
    title = _("%(count)d members of group %(code)s have not acknowledged the alert") % {
        "count": len(members),
        "code": lead.group.code,
    }
    body = render_to_string(
        "alerts/email/lead_reminder.txt",
        {"alert": alert, "lead": lead, "members": members, "link": _link("/")},
    )
    mail.send_on_commit(mail.compose(subject=subject, body=body, to=[lead.user.email]))
    notify(
        recipients=[lead.user_id],
        kind="alert.lead_reminder",
        title=f"【{alert.kind_label}】{title}",
        body=names,
        url=reverse("groups:detail", args=[lead.group.code]),
    )


def sweep(*, now=None) -> dict:
    """Beat, every minute: push what a web process never pushed, escalate what is due. Cheap
    when nothing is open (one query)."""
    now = now or timezone.now()
    open_ids = list(
        Alert.objects.filter(status=Alert.Status.SENT, created_at__gte=now - SWEEP_WINDOW)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    pushed = emailed = reminded = 0
    stale = now - timedelta(seconds=conf.repush_after_seconds())
    for alert_id in open_ids:
        pushed += push(alert_id, created_before=stale)
        e, r = escalate(alert_id, now=now)
        emailed, reminded = emailed + e, reminded + r
    return {"alerts": len(open_ids), "pushed": pushed, "emailed": emailed, "reminded": reminded}
