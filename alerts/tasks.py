"""Celery tasks of alerts: thin; the work and its idempotency live in alerts.delivery."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=60, max_retries=5)
def escalate(alert_id: int) -> list[int]:
    """E-mail and remind whatever is due for one alert (scheduled at send, after the wait)."""
    from alerts.delivery import escalate as run

    return list(run(alert_id))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=60, max_retries=3)
def sweep() -> dict:
    """Beat, every minute: re-push what was never pushed, escalate what the countdowns missed."""
    from alerts.delivery import sweep as run

    return run()
