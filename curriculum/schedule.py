"""Celery beat entries of the curriculum (plain data; portal.celery collects them)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "curriculum-publish-scheduled": {
        "task": "curriculum.tasks.publish_scheduled",
        "schedule": crontab(minute="*/5"),
    },
    # On the 1st the new month's theme; every morning the entry and offence series for new groups.
    "curriculum-assign-by-rule": {
        "task": "curriculum.tasks.assign_by_rule",
        "schedule": crontab(minute=15, hour=0),
    },
    "curriculum-remind-sessions": {
        "task": "curriculum.tasks.remind_sessions",
        "schedule": crontab(minute=0, hour="*"),
    },
    # Shortly after midnight on the 1st: the month that just ended.
    "curriculum-flag-shortfalls": {
        "task": "curriculum.tasks.flag_shortfalls",
        "schedule": crontab(minute=30, hour=0, day_of_month=1),
    },
}
