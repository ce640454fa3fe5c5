"""Text messages (SMS): one way out, like portal.mail for e-mail.

Everything that sends an SMS calls `send(phone, text)`; the backend named by the SMS_BACKEND
setting (built from SMS_URL) delivers it. The embedded default prints to the log; tests use the
local-memory backend and read `outbox`, as Django's mail tests read `mail.outbox`.

Contract kept by every caller: `phone` is a mainland number in its 11-digit form and `text` is
short, Chinese, and carries no detail about a supervised person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# What the local-memory backend has "sent" (tests empty it between tests).
outbox: list[SMS] = []


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str


class ConsoleBackend:
    """The embedded default: the message appears in the server's log, codes included, so a
    developer can sign up with a phone number on a laptop."""

    def send(self, message: SMS) -> None:
        logger.warning("SMS to %s: %s", message.phone, message.text)


class LocmemBackend:
    def send(self, message: SMS) -> None:
        outbox.append(message)


def backend():
    return import_string(settings.SMS_BACKEND)()


def send(phone: str, text: str) -> None:
    backend().send(SMS(phone=phone, text=text))
