"""Settings of the Celery workers the fault tests start (DJANGO_SETTINGS_MODULE): the test
settings, with a broker that gives a dead worker's message to another within seconds instead
of an hour, and a mail server that takes its time (tests.faults.slow_mail), so a test can kill
a worker in the middle of sending."""

from portal.settings.test import *  # noqa: F403

# Production keeps an hour (portal/settings/base.py): it must exceed the longest task and
# countdown, or a message still being worked on is handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_DELIVERY_BACKEND = "tests.faults.slow_mail.SlowFileBackend"
