"""Writes of messaging. notify() is how every app tells a person something that must not be
lost: the notification is stored first, then pushed to their open sockets on commit."""

from collections.abc import Iterable

from django.db import transaction

from messaging.models import Notification
from portal import events


@transaction.atomic
def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Store a notification for each recipient (users or ids) and push it after commit.

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
    return notifications
