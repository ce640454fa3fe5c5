"""The Celery app: tasks are autodiscovered in each app's tasks.py; settings under CELERY_*;
periodic tasks come from each app's schedule.py (plain data, see portal.registry)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_schedule() -> dict:
    from portal.registry import app_modules

    schedule = {}
    for module in app_modules("schedule"):
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


app.conf.beat_schedule = _beat_schedule()
