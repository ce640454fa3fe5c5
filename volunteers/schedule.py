"""Celery beat: the nightly comparison of the stored serving facts with the profiles' links
(volunteers.serving), which repairs any a bulk write left behind."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "volunteers-serving-facts-check": {
        "task": "volunteers.tasks.serving_facts_check",
        "schedule": crontab(hour=3, minute=40),
    },
}
