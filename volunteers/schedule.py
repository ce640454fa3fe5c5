from celery.schedules import crontab

BEAT_SCHEDULE = {
    "volunteers-resend-decision-emails": {
        "task": "volunteers.tasks.resend_decision_emails",
        "schedule": crontab(minute="*/15"),
    },
}
