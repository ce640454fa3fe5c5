"""Celery tasks of matching: thin, started after commit by matching.refresh."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def suggestions_refresh(group_ids: list[int]) -> int:
    """Recompute the groups' suggestions and tell coordinators of new ones (debounced by
    matching.refresh). Idempotent: a suggestion already seen is not told twice."""
    from matching.refresh import refresh_groups

    return refresh_groups(list(group_ids))
