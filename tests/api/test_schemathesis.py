"""Schemathesis against the live schema (/api/v1/openapi.json, in process over WSGI): every
operation, with generated valid and invalid input, as every role and without a token. No answer
may be a server error, and every answer must be one the schema declares (status, content type,
body, headers); invalid input must be refused.

Each generated case is sent without a token and with the token of one role, each role in
turn (all eight are below). Half of the generated ids are swapped for ids that exist (an
activity near the volunteers, a notification of the volunteer's), so the cases reach the code
behind the 404 too. SCHEMATHESIS_EXAMPLES sets the examples per operation."""

import os
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from messaging.models import Notification
from tests.api.conftest import login_token, publish

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
CALLERS = (
    "anonymous",
    "volunteer",
    "social_worker",
    "lead",
    "coordinator",
    "partner",
    "learner",
    "newcomer",
)
RAN = Counter()  # cases per operation
ANSWERS = Counter()  # responses per status code


def load_schema():
    """The schema as a client reads it, through the app itself (no database needed)."""
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES
    )
    return schema


# Loaded at import (pytest-django has configured Django by then): schemathesis's lazy
# from_fixture loader reads an attribute pytest 9 no longer has.
live = load_schema()


@contextmanager
def connection_kept_open():
    """As Django's test client does around each request: the end of a request must not close
    the connection that holds the test's transaction. (The client connects the handler again
    after each of its own requests, so this wraps the calls, not the test.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(roles, regions):
    activity = publish(roles.coordinator, regions["440106005"])
    notice = Notification.objects.create(user=roles.volunteer, kind="hours.decided", title="已确认")
    tokens = {who: login_token(getattr(roles, who).email) for who in CALLERS[1:]}
    return {
        "tokens": {"anonymous": None, **tokens},
        "ids": {"activity_id": activity.pk, "notification_id": notice.pk},
    }


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield
    if RAN:
        print(
            f"\nschemathesis: {len(RAN)} operations, {sum(RAN.values())} cases, "
            f"{sum(ANSWERS.values())} requests; answers {dict(sorted(ANSWERS.items()))}"
        )


@live.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_as_every_caller(case, world):
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, int) and value % 2 == 0 and name in world["ids"]:
            case.path_parameters[name] = world["ids"][name]
    # Without a token, and as one role, the next in turn: over an operation's cases every role
    # gets its turn (a case per role per request would take four times as long).
    turn = CALLERS[1 + RAN[case.operation.label] % (len(CALLERS) - 1)]
    with connection_kept_open():
        for who in ("anonymous", turn):
            token = world["tokens"][who]
            headers = {"X-Session-Token": token} if token else {}
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            ANSWERS[response.status_code] += 1
    RAN[case.operation.label] += 1
