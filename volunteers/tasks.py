"""Celery tasks of volunteers: thin; the check runs nightly (volunteers.schedule)."""

from celery import shared_task


@shared_task
def serving_facts_check() -> int:
    """Rewrite the stored serving facts that differ from the profiles' links (a write that
    bypassed both the signals and volunteers.serving.refresh); returns how many there were."""
    from volunteers.serving import repair

    return repair()
