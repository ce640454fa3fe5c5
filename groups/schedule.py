"""Celery beat entries of correction groups (plain data; portal.celery collects them)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Just after midnight, before the curriculum's rules run (00:15), so a group entering the
    # before-release stage gets its series the same morning even if an announcement was lost.
    "groups-calendar-advance": {
        "task": "groups.tasks.calendar_advance",
        "schedule": crontab(minute=5, hour=0),
    },
}
