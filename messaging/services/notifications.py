"""Notifications: notify() is how every app tells a person something that must not be lost:
the notification is stored first, then pushed to their open sockets on commit. Unread ones are
e-mailed as one digest once they are older than the person's chosen delay."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from messaging import sms_notices as sms_rules
from messaging.models import Conversation, Notification, NotificationSetting
from messaging.selectors import subject_titles
from portal import events, mail
from portal.models import User


@transaction.atomic
def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Store a notification for each recipient (users or ids) and push it after commit; the
    urgent and deadline kinds also go by SMS to those who chose it (messaging.sms_notices).

    `kind` is a dotted name such as "vetting.decision" or "referral.step"; `title` and `body`
    are already translated text (render them in the recipient's language, zh-hans by default).
    """
    user_ids = sorted({getattr(r, "pk", r) for r in recipients})
    notifications = Notification.objects.bulk_create(
        Notification(user_id=uid, kind=kind, title=title[:200], body=body, url=url[:300])
        for uid in user_ids
    )
    for notification in notifications:
        events.publish(
            [notification.user_id],
            "notification.new",
            {
                "id": notification.pk,
                "kind": kind,
                "title": notification.title,
                "body": body,
                "url": notification.url,
            },
        )
    sms_rules.send_for(kind=kind, user_ids=user_ids)
    return notifications


def conversation_url(conversation: Conversation, message_id: int | None = None) -> str:
    url = reverse("messaging:conversation", args=[conversation.pk])
    return f"{url}#m{message_id}" if message_id else url


def conversation_title(conversation: Conversation) -> str:
    if conversation.is_room:
        return _("the room of group %(code)s") % {"code": conversation.group.code}
    if conversation.is_subject:
        return subject_titles([conversation]).get(conversation.pk) or _("a referral thread")
    return _("a direct message")


@transaction.atomic
def notification_open(*, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (opening it)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, user: User) -> int:
    """Mark all of the user's notifications read; their other tabs hear of it."""
    count = user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    events.publish([user], "notification.read_all", {"count": count})
    return count


@transaction.atomic
def notification_setting_update(
    *, user: User, digest_delay: int, sms_notices: bool | None = None
) -> NotificationSetting:
    """Choose how long notifications may stay unread before the e-mail digest (0: never) and,
    when `sms_notices` is given, whether urgent notices also go by SMS (only to a verified
    mobile number; turning them off is always allowed)."""
    if digest_delay not in NotificationSetting.Delay.values:
        raise ValidationError({"digest_delay": _("Choose one of the listed delays.")})
    if sms_notices and not sms_rules.may_choose(user):
        raise ValidationError(
            {"sms_notices": _("Verify your mobile number before choosing notices by SMS.")}
        )
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, defaults={"digest_delay": digest_delay}
    )
    if sms_notices is not None and user.sms_notices != sms_notices:
        user.sms_notices = sms_notices
        user.save(update_fields=["sms_notices"])
    return setting


def digest_send(*, user_id: int) -> int:
    """E-mail one digest of the user's unread notifications not e-mailed yet; returns how many
    it listed. Rows are locked and marked in the same transaction that hands the message to the
    mail path (portal.mail: it leaves on commit and is retried while the mail server fails), so
    a sweep that runs twice lists each notification once, and a rolled-back run sends nothing."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None or not user.email:
            return 0
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(user=user, read_at__isnull=True, emailed_at__isnull=True)
            .order_by("created_at", "id")[:50]
        )
        if not pending:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {"user": user, "notifications": pending, "site": settings.PORTAL_NAME}
            subject = _("You have %(count)d unread notifications") % {"count": len(pending)}
            text = render_to_string("messaging/email/digest.txt", context)
        mail.send_on_commit(mail.compose(subject=subject, body=text, to=[user.email]))
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    return len(pending)
