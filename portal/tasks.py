"""Celery tasks of the shared core. Tasks take data, are safe to retry, and back off."""

from smtplib import SMTPException

from celery import shared_task


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
