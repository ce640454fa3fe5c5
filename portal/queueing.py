"""Hand one message to its Celery task, or deliver it here when the broker is away: the one
rule portal.mail and portal.sms share, so neither loses a message with the broker down."""

import logging

logger = logging.getLogger(__name__)


def queue_or_deliver(task, args: list, deliver, *, what: str, far_end: str) -> None:
    """Queue `task(*args)`; if the broker cannot take it, call `deliver(*args)` at once.
    `what` names the message in logs ("e-mail to …", "SMS to 138****8000"), `far_end` what
    delivers it ("mail server", "provider")."""
    try:
        task.apply_async(args=args, retry=False)
        return
    except Exception:  # noqa: BLE001 - kombu/redis raise many kinds when the broker is away
        if task.app.conf.task_always_eager:
            # No broker at all (the embedded defaults): the task ran here and used up its retries.
            logger.exception("%s lost: the %s kept failing", what, far_end)
            return
        logger.warning("broker unavailable; sending %s directly", what)
    try:
        deliver(*args)
    except Exception:  # noqa: BLE001 - any error of the far end: nothing is left to retry it
        logger.exception("%s lost: neither broker nor %s answered", what, far_end)
