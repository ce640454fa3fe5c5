"""The one way e-mail leaves the portal (DESIGN.md, "How data flows").

The portal's own senders build a message (`compose`, or allauth's rendering) and hand it to
`send_on_commit`; everything else that sends mail (Wagtail's moderation notices, Django's
password reset) reaches the same function through EMAIL_BACKEND, which is `QueuedBackend`.
Once the transaction commits, the message is queued for the Celery task
`portal.tasks.send_email`, which retries with backoff while the mail server fails, so a slow or
failing SMTP server never holds up or breaks a person's action and a refused attempt is tried
again rather than lost. Only when the broker itself is down is the message sent at once, in the
caller's process; if that fails too, it is logged as an error (a committed action is not undone
by its e-mail). `deliver` is the only place that talks to the mail server.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from portal.queueing import queue_or_deliver

logger = logging.getLogger(__name__)


def compose(*, subject: str, body: str, to: list[str]) -> EmailMessage:
    """A plain-text message from the portal, its subject prefixed like allauth's mails, so
    every message of the portal reads the same in an inbox."""
    return EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )


def send_on_commit(message: EmailMessage) -> None:
    """Send the message once the current transaction commits (at once outside one), through
    the retrying task. The message is copied now: later changes to it are not sent.

    Recipients without an address (people who signed up with a mobile number alone) are left
    out, and a message left with nobody to go to is not sent, so no sender has to check."""
    data = message_to_data(message)
    for field in ("to", "cc", "bcc"):
        data[field] = [address for address in data[field] if address]
    if not (data["to"] or data["cc"] or data["bcc"]):
        logger.info("E-mail %r not sent: no recipient has an e-mail address.", data["subject"])
        return

    def enqueue():  # a named function: Django's on_commit error log reads __qualname__
        _enqueue(data)

    transaction.on_commit(enqueue)


class QueuedBackend(BaseEmailBackend):
    """The portal's EMAIL_BACKEND: a message sent by any code goes through send_on_commit,
    never straight to the mail server from a request."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            send_on_commit(message)
        return len(email_messages)


def deliver(data: dict) -> None:
    """Hand one message to the mail server (the task's side, and the broker-down fallback's).
    The server is EMAIL_DELIVERY_BACKEND (from EMAIL_URL), unless a test has set EMAIL_BACKEND
    to a backend of its own."""
    backend = settings.EMAIL_BACKEND
    if backend == f"{__name__}.QueuedBackend":
        backend = settings.EMAIL_DELIVERY_BACKEND
    message = data_to_message(data)
    message.connection = get_connection(backend)
    message.send()


def message_to_data(message: EmailMessage) -> dict:
    """A JSON-safe copy of a rendered message (tasks take data, never objects)."""
    if message.attachments:
        # None of the portal's mail carries files; refuse rather than send it without them.
        raise ValueError("Queued e-mail cannot carry attachments.")
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


def _enqueue(data: dict) -> None:
    from portal.tasks import send_email

    queue_or_deliver(
        send_email, [data], deliver, what=f"e-mail to {data['to']}", far_end="mail server"
    )
