"""/healthz says the process is up; /readyz says whether each configured service answers."""

import pytest
from django.test import override_settings

# Nothing listens here: a Redis, broker or Elasticsearch that has gone away.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_is_plain_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_names_the_database_when_all_is_well(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.needs_redis
def test_readyz_checks_the_configured_redis(client, db):
    response = client.get("/readyz")
    assert response.json()["checks"]["redis"] == "ok"


@override_settings(REDIS_URL=DEAD_REDIS)
def test_readyz_is_503_naming_redis_when_redis_is_gone_while_healthz_stays_200(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("error:")
    assert body["checks"]["database"] == "ok"
    assert client.get("/healthz").status_code == 200


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, ELASTICSEARCH_URL="http://127.0.0.1:1")
def test_readyz_names_a_missing_broker_and_elasticsearch(client, db, settings):
    from portal.celery import app

    app.conf.broker_url = DEAD_REDIS
    try:
        body = client.get("/readyz").json()
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert body["checks"]["broker"].startswith("error:")
    assert body["checks"]["elasticsearch"].startswith("error:")


def test_readyz_rejects_writes(client, db):
    assert client.post("/readyz").status_code == 405
