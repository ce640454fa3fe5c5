"""How a message looks on the wire and on the page: the same dictionary for both, so a message
rendered by the server and one that arrived over the socket read the same."""

from django.urls import reverse
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from messaging.models import Message


def body_html(body: str) -> SafeString:
    """The body escaped, with http(s) links made clickable and marked nofollow; nothing else of
    the text can become markup."""
    # urlize escapes every character outside the links it makes (autoescape=True).
    return mark_safe(urlize(body, trim_url_limit=60, nofollow=True, autoescape=True))  # noqa: S308


def message_dict(message: Message) -> dict:
    """A message as JSON. A deleted or hidden message keeps its place and id, not its text."""
    if message.deleted_at is not None:
        state, body = "deleted", ""
    elif message.hidden_at is not None:
        state, body = "hidden", ""
    else:
        state, body = "visible", message.body
    reply = None
    if message.reply_to_id and message.reply_to is not None:
        original = message.reply_to
        reply = {
            "id": original.pk,
            "sender": original.sender.display_name,
            "excerpt": original.body[:80] if original.is_visible else "",
        }
    attachment = None
    if message.attachment and state == "visible":
        attachment = {
            "url": reverse("messaging:attachment", args=[message.pk]),
            "name": message.attachment_name,
            "type": message.attachment_type,
            "is_image": message.attachment_type.startswith("image/"),
        }
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": {"id": message.sender_id, "name": message.sender.display_name},
        "body": body,
        "state": state,
        "reply_to": reply,
        "attachment": attachment,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
    }


def state_label(state: str) -> str:
    return {"deleted": _("Message deleted"), "hidden": _("Hidden by a moderator")}.get(state, "")
