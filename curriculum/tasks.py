"""Celery tasks of the curriculum: thin, idempotent, retrying; the work is in the services."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def assign_by_rule() -> int:
    """Give open groups the lessons their rules call for (the month's theme on the 1st; entry and
    offence series as groups appear). Running it again assigns nothing twice."""
    from django.utils import timezone

    from curriculum.services import assignments_by_rule

    return assignments_by_rule(month=timezone.localdate())


@shared_task(**RETRY)
def remind_sessions() -> int:
    """Remind leads of the sessions starting within a day; each session once."""
    from curriculum.selectors import sessions_to_remind
    from curriculum.services.sessions import session_remind

    return sum(
        session_remind(session_id=pk) for pk in sessions_to_remind().values_list("pk", flat=True)
    )


@shared_task(**RETRY)
def flag_shortfalls(month: str | None = None) -> int:
    """Flag groups below the monthly requirement; by default for the month that just ended
    (beat runs this on the 1st, shortly after midnight)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from curriculum.services import hours_flag_shortfalls

    if month:
        target = date.fromisoformat(f"{month}-01")
    else:
        target = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return hours_flag_shortfalls(month=target)


@shared_task(**RETRY)
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come (and unpublish expired ones): Wagtail's own
    command, run by beat so scheduled lessons go live without cron."""
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
