"""Nudges for people who are away: one "new messages" notification per conversation until they
read it (not one per message). Who is due an e-mail digest is a read (messaging.selectors)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from messaging.models import Message, Notification
from messaging.online import online_users
from messaging.selectors import participants
from messaging.services.notifications import conversation_title, conversation_url, notify


def away_notify(*, message_id: int) -> int:
    """Idempotent: a second run finds the unread notification of the first and adds none."""
    message = (
        Message.objects.select_related("conversation__group", "sender")
        .filter(pk=message_id)
        .first()
    )
    if message is None or not message.is_visible:
        return 0
    conversation = message.conversation
    user_ids = {p.user_id for p in participants(conversation)} - {message.sender_id}
    user_ids -= online_users(conversation.pk, list(user_ids))
    url = conversation_url(conversation)
    already = set(
        Notification.objects.filter(
            user_id__in=user_ids, kind="message.new", read_at__isnull=True, url=url
        ).values_list("user_id", flat=True)
    )
    recipients = sorted(user_ids - already)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=recipients,
            kind="message.new",
            title=_("New messages in %(where)s") % {"where": conversation_title(conversation)},
            body=f"{message.sender.display_name}: {message.body[:200]}",
            url=url,
        )
    return len(recipients)
