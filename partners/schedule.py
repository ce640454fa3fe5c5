"""Celery beat entries of the partners app (collected by portal.celery)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly: a 7-day deadline is then met to within the hour.
    "partners-referral-reminders": {
        "task": "partners.tasks.remind_referrals",
        "schedule": crontab(minute=7),
    },
    "partners-follow-ups-due": {
        "task": "partners.tasks.follow_ups_due",
        "schedule": crontab(minute=15, hour=8),
    },
}
