"""bench.chat_phases (make bench-chat's phase table, issue 20) times the real send path: every
phase it names is one a send goes through, once a send, the sends are stored as the socket would
store them, and a phase the path no longer takes stops the bench instead of showing a zero."""

import pytest

from bench import chat_phases
from messaging import ratelimit
from messaging.models import Message

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def senders(world, monkeypatch):
    monkeypatch.setattr(ratelimit, "SEND_LIMIT", 10_000)  # as the bench lifts it
    return chat_phases.room_members(world.room)


def test_each_phase_is_timed_once_a_send_and_the_sends_are_stored(world, senders):
    before = Message.objects.filter(conversation=world.room).count()
    measured = chat_phases.measure(world.room, senders, count=6, warm=2)
    assert Message.objects.filter(conversation=world.room).count() == before + 8
    for label, *_ in chat_phases.PHASES:
        # The away check runs on every commit (its Redis key decides), like the others.
        assert len(measured["phases"][label]) == 6, label
    assert len(measured["send"]) == len(measured["floor"]) == 6
    # Each send's whole time holds its phases' times.
    named = sum(sum(times) for times in measured["phases"].values())
    assert named < sum(measured["send"])
    lines = chat_phases.report(measured)
    assert lines[1].startswith("send allowance") and lines[-1].startswith("floor store")


def test_the_phases_are_put_back_afterwards(world, senders):
    from messaging.services import chat

    original = chat._locked_conversation
    chat_phases.measure(world.room, senders, count=1, warm=0)
    assert chat._locked_conversation is original


def test_a_phase_no_send_goes_through_stops_the_bench(world, senders, monkeypatch):
    monkeypatch.setattr(
        chat_phases,
        "PHASES",
        (*chat_phases.PHASES, ("gone", "a function the path no longer calls",
                               "messaging.services.chat", "_check_attachment")),
    )  # fmt: skip
    with pytest.raises(RuntimeError, match="no send went through: gone"):
        chat_phases.measure(world.room, senders, count=2, warm=0)
