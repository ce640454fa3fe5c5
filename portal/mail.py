"""E-mail leaves through Celery after the transaction commits, so a slow or failing SMTP server
never holds up or breaks a person's action; if the broker itself is down, the message is sent
right away instead, so nothing is lost."""

import logging

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)


def message_to_data(message: EmailMessage) -> dict:
    """A JSON-safe copy of a rendered message (tasks take data, never objects)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
    }


def data_to_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"], body=data["body"], from_email=data["from_email"],
        to=data["to"], cc=data["cc"], bcc=data["bcc"], reply_to=data["reply_to"],
        headers=data["headers"],
    )  # fmt: skip
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def send_on_commit(message: EmailMessage) -> None:
    """Queue the message for the worker once the current transaction commits."""
    data = message_to_data(message)
    transaction.on_commit(lambda: _enqueue(data))


def _enqueue(data: dict) -> None:
    from portal.tasks import send_email

    try:
        send_email.apply_async(args=[data], retry=False)
    except Exception:  # noqa: BLE001 - kombu/redis raise many kinds when the broker is away
        logger.warning("broker unavailable; sending e-mail to %s directly", data["to"])
        data_to_message(data).send()
