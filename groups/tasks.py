"""Celery tasks of correction groups: thin, idempotent, retrying; the work is in the services."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def calendar_advance() -> int:
    """Move groups through their stages from their dates and remind leads and coordinators of
    planned end dates reached (groups.calendar). Running it again changes nothing more."""
    from groups.calendar import calendar_advance as advance

    return advance().total
