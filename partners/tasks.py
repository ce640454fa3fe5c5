"""Periodic sweeps for referrals (thin: the work is in partners.services). Idempotent, so a
retried or doubled run changes nothing more."""

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def remind_referrals() -> int:
    from partners.services import referrals_escalate_overdue, referrals_remind_due

    return referrals_remind_due() + referrals_escalate_overdue()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def follow_ups_due() -> int:
    from partners.services import follow_ups_notify_due

    return follow_ups_notify_due()
