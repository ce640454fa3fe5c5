"""Celery beat: the nightly comparison of the search index with the database (repairs drift,
e.g. jobs whose closing day passed or updates lost while the broker was down)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "search-index-check": {
        "task": "search.tasks.index_check",
        "schedule": crontab(hour=3, minute=20),
    },
}
