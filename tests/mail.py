"""What the e-mail path must survive: a mail server that hangs up, a broker that is down."""

from contextlib import contextmanager
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend

from portal.celery import app

DEAD_BROKER = "redis://127.0.0.1:1/0"


class FailingBackend(EmailBackend):
    """Refuses the next `failures` sends the way a real SMTP server hangs up, then delivers to
    django.core.mail.outbox like the test backend. Set `failures` in the test."""

    failures = 0

    def send_messages(self, messages):
        if FailingBackend.failures > 0:
            FailingBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@contextmanager
def broker(url):
    """Point the Celery app at a real broker (the test settings make it eager); the connection
    pool is closed on the way in and out, since it remembers the URL it was made with."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    # Celery drops its connection and producer pools this way after a fork.
    app._after_fork()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        app._after_fork()
        app.conf.broker_url, app.conf.task_always_eager = saved


@contextmanager
def retrying_like_a_worker():
    """Eager tasks retry the way a worker's do, at once instead of after the backoff. The test
    settings make eager tasks raise their errors (Retry included) into the caller instead."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = saved
