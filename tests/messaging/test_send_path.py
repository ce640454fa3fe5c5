"""The send path's cost (issue 20, make bench-chat): a room message is stored in three
statements (the conversation locked; the sender's membership locked with the group and the last
id; the insert), a resend is looked up only once the insert has failed, the rate limit is one
round trip to Redis, and a chat
socket sends the room's frames itself once the service has committed, never those of a send that
was refused."""

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import broadcast, ratelimit, services
from messaging.models import Message


def _send(world, body="下午三点开会", **kwargs):
    return services.message_send(
        conversation_id=world.room.pk, sender=world.volunteer, body=body, **kwargs
    )


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_a_room_message_is_stored_in_three_statements(world):
    _send(world, "第一条")
    with CaptureQueriesContext(connection) as context:
        message = _send(world, client_id="c-1")
    statements = _statements(context.captured_queries)
    assert len(statements) == 3, statements
    assert statements[2].startswith("INSERT")
    assert Message.objects.get(client_id="c-1") == message
    # Both rows the ordering rests on are locked (PostgreSQL; SQLite has no row locks).
    if connection.vendor == "postgresql":
        assert "FOR UPDATE OF" in statements[0] and "messaging_conversation" in statements[0]
        assert "FOR UPDATE OF" in statements[1] and "groups_membership" in statements[1]


def test_a_resend_stores_nothing_and_is_answered_by_a_look_up_after_its_insert_failed(world):
    first = _send(world, client_id="c-2")
    with CaptureQueriesContext(connection) as context:
        again = _send(world, client_id="c-2")
    assert again.pk == first.pk
    statements = _statements(context.captured_queries)
    assert len(statements) == 4, statements
    assert statements[2].startswith("INSERT") and statements[3].startswith("SELECT")
    assert Message.objects.count() == 1


def test_the_broadcast_names_the_last_message_read_under_the_lock(
    world, django_capture_on_commit_callbacks
):
    with broadcast.deferred() as frames, django_capture_on_commit_callbacks(execute=True):
        first = _send(world, "一")
    with broadcast.deferred() as frames, django_capture_on_commit_callbacks(execute=True):
        second = _send(world, "二")
    [(group, layer_message)] = frames
    assert group == broadcast.room_group(world.room.pk)
    assert layer_message["type"] == broadcast.LAYER_MESSAGE_TYPE
    assert layer_message["event"]["message"]["id"] == second.pk
    assert layer_message["event"]["prev_id"] == first.pk


def test_a_refused_send_leaves_no_frame_for_the_socket(world, django_capture_on_commit_callbacks):
    with broadcast.deferred() as frames, django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            _send(world, "   ")
        with pytest.raises(ValidationError) as refused:
            services.message_send(
                conversation_id=world.room.pk, sender=world.outsider, body="我不在群里"
            )
    assert refused.value.code == "forbidden"
    assert frames == []


def test_outside_a_socket_the_frame_leaves_through_portal_events(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _send(world)
    assert any(c.__qualname__.endswith("deliver") for c in callbacks)


def test_the_send_allowance_counts_the_same_in_one_round_trip(world):
    user_id = world.volunteer.pk
    window = 10**7  # no window boundary falls inside the test
    allowed = [ratelimit.allow_send(user_id, limit=3, window=window) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    # The count is the cache's own value, whichever way it was written.
    assert cache.get(f"messaging:rate:{user_id}:{int(time.time() // window)}") == 5
