"""Celery beat entries of messaging (read by portal.celery)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Digests go out at most 5 minutes after a notification passes its owner's delay.
    "messaging-digests": {
        "task": "messaging.tasks.digests_sweep",
        "schedule": crontab(minute="*/5"),
    },
}
