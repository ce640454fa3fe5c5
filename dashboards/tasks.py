"""Celery tasks of the figures (thin: the work is in dashboards.services and .incremental).
Idempotent: each counts again from the source rows, so a retried or doubled run changes
nothing more."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_announced(announced: dict[str, list[int]]) -> int:
    """The figures of what an announcement named: its regions, this month and last."""
    from dashboards.incremental import recompute_for

    return recompute_for(announced).total


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_recent() -> int:
    """Every few minutes: the current and previous month, everywhere."""
    from dashboards.services import figures_recompute_recent

    return figures_recompute_recent().total


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_all() -> dict[str, int]:
    """Nightly: every month of the history, everywhere; returns the drift it repaired."""
    from dashboards.services import figures_recompute_all

    return figures_recompute_all().changed
