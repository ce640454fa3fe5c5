"""Telling a person about a decision: a stored in-app notification now, an e-mail after commit.

The e-mail goes through Celery; a broker that is down must not undo the decision, so the error
is logged and the periodic sweep (volunteers.tasks.resend_decision_emails) sends it later.
"""

import logging

from django.db import transaction
from django.urls import reverse

from messaging.services import notify

logger = logging.getLogger(__name__)


def _send(task, args) -> None:
    task.delay(*args)


def enqueue(task, *args) -> None:
    def send():
        try:
            _send(task, args)
        except Exception:  # any broker error: the sweep retries later
            logger.warning("could not enqueue %s%r; the sweep will retry", task.name, args)

    transaction.on_commit(send)


def tell_decision(profile, *, title: str, body: str) -> None:
    from volunteers import tasks

    if profile.user_id is None:
        return
    notify(
        recipients=[profile.user_id],
        kind="vetting.decision",
        title=title,
        body=body,
        url=reverse("volunteers:profile"),
    )
    enqueue(tasks.send_decision_email, profile.pk)


def tell(user_ids, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    ids = [i for i in user_ids if i]
    if ids:
        notify(recipients=ids, kind=kind, title=title, body=body, url=url)
