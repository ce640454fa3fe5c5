"""Celery beat entries of the dashboards (plain data; portal.celery collects them)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # What is not announced (service hours, learning hours, referrals) shows within minutes.
    "dashboards-recompute-recent": {
        "task": "dashboards.tasks.recompute_recent",
        "schedule": crontab(minute="*/5"),
    },
    # The nightly check: every month of the history again; the drift it repairs is logged.
    "dashboards-recompute-all": {
        "task": "dashboards.tasks.recompute_all",
        "schedule": crontab(minute=40, hour=2),
    },
}
