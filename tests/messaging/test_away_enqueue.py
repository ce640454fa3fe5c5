"""People away hear of a room's burst once (one away-check a conversation per 10 seconds), and a
broker that is away neither holds the sender up with retries nor takes the window: the message
is stored, and the next one tries again."""

import pytest
from kombu.exceptions import OperationalError

from messaging import services, tasks
from messaging.models import Message

pytestmark = pytest.mark.django_db


class Calls(list):
    """The away-checks handed to the broker, as (args, options)."""

    failures: list  # what the broker raises, first to last, before it takes one again


@pytest.fixture
def send(world, django_capture_on_commit_callbacks):
    def send(body, sender=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_send(
                conversation_id=world.room.pk, sender=sender or world.volunteer, body=body
            )

    return send


@pytest.fixture
def queued(monkeypatch):
    calls = Calls()
    calls.failures = []

    def apply_async(args=None, **options):
        calls.append((args, options))
        if calls.failures:
            raise calls.failures.pop(0)

    monkeypatch.setattr(tasks.notify_away, "apply_async", apply_async)
    return calls


def test_a_burst_is_checked_once_for_people_away(world, send, queued):
    first = send("大家好")
    send("明天上午九点见", sender=world.lead)
    send("收到")
    assert [args for args, _options in queued] == [[first.pk]]


def test_the_check_is_handed_to_the_broker_once_never_retried_while_the_room_waits(send, queued):
    send("大家好")
    ((_args, options),) = queued
    assert options.get("retry") is False


def test_with_the_broker_away_the_message_is_stored_and_the_next_one_tries_again(
    world, send, queued
):
    queued.failures.append(OperationalError("Connection refused"))
    first = send("第一条")
    assert Message.objects.filter(pk=first.pk, body="第一条").exists()
    second = send("第二条")
    # The failed check did not take the window: the second message was checked.
    assert [args for args, _options in queued] == [[first.pk], [second.pk]]
