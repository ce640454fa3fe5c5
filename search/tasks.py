"""Celery tasks of the search index: thin, idempotent (they read the database afresh)."""

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=10, retry_backoff=True)
def index_documents(self, kind: str, ids: list[int]) -> dict:
    from search.backends import SearchUnavailable
    from search.services import documents_sync

    try:
        return documents_sync(kind=kind, ids=ids)
    except (SearchUnavailable, ConnectionError) as error:
        raise self.retry(exc=error) from error


@shared_task
def index_check() -> dict:
    from search.services import index_check as check

    return check(repair=True)
