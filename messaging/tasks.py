"""Celery tasks of messaging: thin, take ids, idempotent, retrying with backoff."""

from celery import shared_task


@shared_task(
    bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True
)
def notify_away(self, message_id: int) -> int:
    """Tell the people of a conversation who are not looking at it that a message arrived."""
    from messaging.services.away import away_notify

    return away_notify(message_id=message_id)


@shared_task(
    bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True
)
def digest_send(self, user_id: int) -> int:
    from messaging.services import digest_send as send

    return send(user_id=user_id)


@shared_task
def digests_sweep() -> int:
    """Find everyone with unread notifications older than their delay; one digest each."""
    from messaging.selectors import users_due_a_digest

    users = users_due_a_digest()
    for user_id in users:
        digest_send.delay(user_id)
    return len(users)
