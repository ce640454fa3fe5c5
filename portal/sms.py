"""Text messages (SMS): one way out, like portal.mail for e-mail.

Everything that sends an SMS calls `send(phone, text)` (a code the person waits for: queued at
once) or `send_on_commit(phone, text)` (a notice about something being saved: queued only if it
is). Either way the message goes to the Celery task `portal.tasks.send_sms`, which retries with
backoff while the provider fails, so a slow or failing provider never holds up a person's action
and a refused attempt is tried again rather than lost. Only when the broker itself is down is the
message sent at once, in the caller's process; if that fails too, it is logged as an error.
`deliver` is the only place that talks to the provider, through the backend SMS_URL names
(portal/settings/sms.py): the log by default, the provider's HTTP API in production; tests use
the local-memory backend and read `outbox`, as Django's mail tests read `mail.outbox`.

Contract kept by every caller: `phone` is a mainland number in its 11-digit form and `text` is
short, Chinese, and carries no detail about a supervised person.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.request
from dataclasses import dataclass
from urllib.error import HTTPError

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from portal.queueing import queue_or_deliver

logger = logging.getLogger(__name__)

# What the local-memory backend has "sent" (tests empty it between tests).
outbox: list[SMS] = []


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str


class ProviderError(Exception):
    """The provider did not take the message."""


class ProviderUnavailable(ProviderError):
    """Worth trying again: the provider is down, overloaded or out of reach."""


class ProviderRefused(ProviderError):
    """Not worth trying again: the provider refused this request (bad number, bad key)."""


def masked(phone: str) -> str:
    """A number as the logs show it: enough to tell two apart, not enough to call."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "***"


class ConsoleBackend:
    """The embedded default: the message appears in the server's log, codes included, so a
    developer can sign up with a phone number on a laptop."""

    def send(self, message: SMS) -> None:
        logger.warning("SMS to %s: %s", message.phone, message.text)


class LocmemBackend:
    def send(self, message: SMS) -> None:
        outbox.append(message)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A provider that redirects a POST is misconfigured; following it would resend the key.
    def redirect_request(self, *args, **kwargs):
        return None


class HttpBackend:
    """The provider's HTTP API (SMS_PROVIDER, from SMS_URL): one JSON POST of phone and text per
    message, HTTP Basic credentials, a bounded wait. Any answer but 2xx is an error: 5xx, 429
    and network trouble are worth a retry, other refusals are not."""

    def __init__(self):
        self.provider = settings.SMS_PROVIDER
        self.opener = urllib.request.build_opener(_NoRedirects)

    def send(self, message: SMS) -> None:
        provider = self.provider
        # The scheme is http(s), checked when SMS_URL was read (portal/settings/sms.py).
        request = urllib.request.Request(  # noqa: S310
            provider["url"],
            data=json.dumps(
                {"phone": message.phone, "text": message.text}, ensure_ascii=False
            ).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        if provider["username"] or provider["password"]:
            pair = f"{provider['username']}:{provider['password']}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
        try:
            with self.opener.open(request, timeout=provider["timeout"]) as response:
                status = response.status
        except HTTPError as error:
            status = error.code
        except OSError as error:  # refused, reset, timed out, name not found
            raise ProviderUnavailable(f"provider out of reach: {error}") from error
        if 200 <= status < 300:
            return
        if status >= 500 or status == 429:
            raise ProviderUnavailable(f"provider answered HTTP {status}")
        raise ProviderRefused(f"provider refused the message: HTTP {status}")


def backend():
    return import_string(settings.SMS_BACKEND)()


def deliver(phone: str, text: str) -> None:
    """Hand one message to the provider (the task's side, and the broker-down fallback's)."""
    backend().send(SMS(phone=phone, text=text))


def send(phone: str, text: str) -> None:
    """Queue the message now: for what the person is waiting for (a verification code), which
    needs nothing from the database to be sent."""
    _enqueue(phone, text)


def send_on_commit(phone: str, text: str) -> None:
    """Queue the message once the current transaction commits (at once outside one): a notice
    about a change that may still be rolled back."""

    def enqueue():  # a named function: Django's on_commit error log reads __qualname__
        _enqueue(phone, text)

    transaction.on_commit(enqueue)


def _enqueue(phone: str, text: str) -> None:
    from portal.tasks import send_sms

    queue_or_deliver(
        send_sms, [phone, text], deliver, what=f"SMS to {masked(phone)}", far_end="provider"
    )
