"""Celery beat entries of alerts (read by portal.celery)."""

BEAT_SCHEDULE = {
    # Catches what the countdown tasks and the sending process missed (a restart, a crash).
    "alerts-sweep": {"task": "alerts.tasks.sweep", "schedule": 60.0},
}
