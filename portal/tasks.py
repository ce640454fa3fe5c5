"""Celery tasks of the shared core. Tasks take data, are safe to retry, and back off."""

import logging
from smtplib import SMTPException

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
)
def send_email(data: dict) -> None:
    """Send one rendered message (portal.mail.message_to_data). A retry after a partial SMTP
    failure may send twice; a duplicate notice is better than a lost one."""
    from portal.mail import deliver

    deliver(data)


@shared_task(bind=True, max_retries=8)
def send_sms(self, phone: str, text: str) -> None:
    """Send one text message (portal.sms). Retried while the provider is unavailable, after a
    jittered wait of up to 30 s doubling to an hour (at most about two hours in all); a message
    it refuses, or one still failing after the last try, is logged as lost and the worker moves
    on to the next. A retry after a provider error may send twice; a duplicate notice is better
    than a lost one."""
    from portal import sms

    try:
        sms.deliver(phone, text)
    except sms.ProviderUnavailable as error:
        if self.request.retries >= self.max_retries:
            tries = self.max_retries + 1
            logger.error("SMS to %s lost after %d tries: %s", sms.masked(phone), tries, error)
            return
        countdown = get_exponential_backoff_interval(30, self.request.retries, 3600, True)
        raise self.retry(exc=error, countdown=countdown) from error
    except sms.ProviderRefused as error:
        logger.error("SMS to %s lost: %s", sms.masked(phone), error)
