"""Readiness probes: each answers None when its service is fine, or a short reason."""

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_redis() -> str | None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return None


def check_broker() -> str | None:
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def check_elasticsearch() -> str | None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2)
    try:
        if not client.ping():
            return "no answer"
    finally:
        client.close()
    return None


def configured_checks() -> dict:
    """The services this deployment uses, by the names /readyz reports."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = check_broker
    if settings.ELASTICSEARCH_URL:
        checks["elasticsearch"] = check_elasticsearch
    return checks


def readiness() -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in configured_checks().items():
        try:
            problem = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            problem = f"{type(exc).__name__}: {exc}"[:200]
        results[name] = "ok" if problem is None else f"error: {problem}"
    return all(v == "ok" for v in results.values()), results
