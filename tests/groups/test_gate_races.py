"""The gate holds under row locks, on PostgreSQL's real concurrency (threads with their own
connections): two coordinators giving one volunteer their last place at once, a suspension
arriving while an accept is in flight, a member removed while their message is being sent.
Each test widens the window between the check and the write, so that without the row lock
it guards (the person's profile, the sender's membership) the test fails."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from groups import gate
from groups import services as group_services
from groups.models import Membership
from matching import services as matching_services
from messaging import services as messaging_services
from messaging.models import Message
from tests import factories
from tests.groups.conftest import group_data
from tests.messaging.conftest import build_world
from volunteers import services as volunteer_services
from volunteers.models import VolunteerProfile

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def in_threads(*calls):
    """Run each call in its own thread and connection; return (results, refusals, other
    failures)."""
    done, refused, failures = [], [], []

    def run(call):
        try:
            done.append(call())
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return done, refused, failures


class SlowGate:
    """Each answer of the gate arrives 0.4 s late, while its locks are held: the window in which
    a second writer would slip through if the locks were not there. `wait_for(n)` returns once
    the gate has answered n times (the writer then sleeps in its window)."""

    def __init__(self):
        self.answers = threading.Semaphore(0)

    def wait_for(self, n):
        for _ in range(n):
            assert self.answers.acquire(timeout=20)


@pytest.fixture
def slow_gate(monkeypatch):
    slow = SlowGate()
    ask = gate.membership_refusals

    def late(**kwargs):
        reasons = ask(**kwargs)
        slow.answers.release()
        time.sleep(0.4)
        return reasons

    monkeypatch.setattr(gate, "membership_refusals", late)
    return slow


@pytest.fixture
def world(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    groups = [
        group_services.group_create(data=group_data(regions), created_by=coordinator)
        for _ in range(2)
    ]
    volunteer = factories.vetted(factories.VolunteerFactory(display_name="陈律师"), max_groups=1)
    return coordinator, groups, volunteer


def test_two_coordinators_giving_a_volunteer_their_last_place_at_once(world, regions, slow_gate):
    coordinator, groups, volunteer = world
    others = [coordinator, factories.coordinator(regions["440100"])]
    calls = [
        lambda by=by, group=group: group_services.member_add(
            group=group, user=volunteer, role="volunteer", added_by=by
        )
        for by, group in zip(others, groups, strict=True)
    ]
    done, refused, failures = in_threads(*calls)
    assert failures == []
    assert len(done) == 1 and len(refused) == 1, refused
    assert "已达到可参与小组的上限" in refused[0]
    assert Membership.objects.filter(user=volunteer, left_at__isnull=True).count() == 1


def test_a_suspension_arriving_while_an_accept_is_in_flight(world, slow_gate):
    coordinator, (group, _other), volunteer = world
    profile = VolunteerProfile.objects.get(user=volunteer)
    accept = lambda: matching_services.suggestion_accept(  # noqa: E731
        actor=coordinator, group=group, kind="volunteer", candidate_id=volunteer.pk
    )

    def suspend():
        # While the accept holds its last answer of the gate (the matching check, then the
        # admission's), before it writes the membership.
        slow_gate.wait_for(2)
        return volunteer_services.profile_decide(
            profile=profile, decision="suspend", reason="投诉核查中", decided_by=coordinator
        )

    _done, _refused, failures = in_threads(accept, suspend)
    assert failures == []
    # Whichever came first, a suspended volunteer holds no place.
    assert VolunteerProfile.objects.get(pk=profile.pk).status == "suspended"
    assert not Membership.objects.filter(user=volunteer, left_at__isnull=True).exists()


@pytest.fixture
def room(regions, reference_data):
    return build_world(regions)


def test_a_member_removed_while_their_message_is_being_sent(room):
    removed = threading.Event()
    membership = Membership.objects.get(group=room.group, user=room.volunteer, left_at=None)

    def remove():
        # The removal is written, then held uncommitted for a while, as a slow transaction is.
        with transaction.atomic():
            group_services.member_remove(membership=membership, removed_by=room.coordinator)
            removed.set()
            time.sleep(1.0)

    def send():
        removed.wait(timeout=10)
        return messaging_services.message_send(
            conversation_id=room.room.pk, sender=room.volunteer, body="我还在组里吗？"
        )

    done, refused, failures = in_threads(remove, send)
    assert failures == []
    assert refused == ["您已不在这个会话中。"]
    assert not Message.objects.exists()
