"""Change announcements (portal.changes): subscribers hear of a change only once it is committed,
once per transaction with everything merged, never of what rolled back; a failing subscriber
is logged, the others still hear, and the action it followed stays done.

These tests commit for real (transactional_db): a test-case transaction never commits."""

import logging

import pytest
from django.db import transaction

from portal import changes
from portal.models import AuditEvent, User
from tests import factories

USER = "portal.User"
REGION = "portal.Region"


@pytest.fixture
def heard(monkeypatch):
    """Calls to a test subscriber of users and regions, as {label: {id: what}} per call; the
    app's own subscriptions are put back after the test."""
    monkeypatch.setattr(changes, "_subscriptions", list(changes._subscriptions))
    calls = []
    changes.subscribe(
        [USER, REGION],
        lambda batch: calls.append(
            {
                label: {pk: set(what) for pk, what in rows.items()}
                for label, rows in batch.by_label.items()
            }
        ),
        name="tests.heard",
    )
    return calls


@pytest.fixture
def users(transactional_db):
    return [factories.UserFactory(display_name=name) for name in ("王小红", "李建国", "张伟")]


def test_a_subscriber_hears_only_after_the_commit(heard, users):
    with transaction.atomic():
        changes.announce(users[0], what={"updated"})
        assert heard == []
    assert heard == [{USER: {users[0].pk: {"updated"}}}]


def test_nothing_is_heard_of_a_rolled_back_transaction(heard, users):
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.announce(users[0], what={"updated"})
        raise RuntimeError
    assert heard == []
    with transaction.atomic():
        changes.announce(users[1], what={"updated"})
    assert heard == [{USER: {users[1].pk: {"updated"}}}]  # the rolled-back one stays unheard


def test_a_rolled_back_savepoint_drops_its_changes_and_keeps_the_outer_ones(heard, users):
    first, second, third = users
    with transaction.atomic():
        changes.announce(first, what={"updated"})
        try:
            with transaction.atomic():
                changes.announce(second, what={"updated"})
                changes.announce(first, what={"left"})
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():  # a savepoint that commits keeps its changes
            changes.announce(third, what={"created"})
    assert heard == [{USER: {first.pk: {"updated"}, third.pk: {"created"}}}]


def test_a_transaction_is_heard_once_with_every_label_and_id_merged(heard, users, regions):
    first, second, third = users
    with transaction.atomic():
        changes.announce(first, what={"updated"})
        changes.announce([second, third], what={"created"})
        changes.announce(USER, [first.pk], what={"vetting"})
        changes.announce(regions["440106"], what={"updated"})
        changes.announce(User.objects.filter(pk=second.pk), what={"updated"})
    assert heard == [
        {
            USER: {
                first.pk: {"updated", "vetting"},
                second.pk: {"created", "updated"},
                third.pk: {"created"},
            },
            REGION: {regions["440106"].pk: {"updated"}},
        }
    ]


def test_changes_name_the_ids_by_what_changed():
    batch = changes.Changes()
    batch.add(USER, [3, 1], {"updated"})
    batch.add(USER, [2], {"vetting", "updated"})
    assert batch.ids(USER) == [1, 2, 3]
    assert batch.ids(USER, what={"vetting", "clearance"}) == [2]
    assert batch.ids(REGION) == []
    assert not changes.Changes() and batch


def test_outside_a_transaction_a_change_is_heard_at_once(heard, users):
    changes.announce(USER, [users[0].pk], what={"updated"})
    assert heard == [{USER: {users[0].pk: {"updated"}}}]


def test_each_transaction_is_heard_on_its_own(heard, users):
    for user in users[:2]:
        with transaction.atomic():
            changes.announce(user, what={"updated"})
    assert heard == [{USER: {users[0].pk: {"updated"}}}, {USER: {users[1].pk: {"updated"}}}]


def test_a_subscriber_hears_only_its_own_labels(heard, users):
    with transaction.atomic():
        changes.announce("groups.CorrectionGroup", [1], what={"members"})
    assert heard == []
    with transaction.atomic():
        changes.announce("groups.CorrectionGroup", [1], what={"members"})
        changes.announce(users[0], what={"updated"})
    assert heard == [{USER: {users[0].pk: {"updated"}}}]


def test_nothing_announced_is_nothing_heard(heard, users):
    with transaction.atomic():
        changes.announce([], what={"updated"})
        changes.announce(USER, [], what={"updated"})
    assert heard == []


def test_a_single_word_is_one_word_not_its_letters(heard, users):
    changes.announce(users[0], what="updated")
    assert heard == [{USER: {users[0].pk: {"updated"}}}]


def test_an_unsaved_object_or_mixed_models_are_refused_at_once(heard, users, regions):
    with pytest.raises(ValueError):
        changes.announce(User(display_name="未保存"), what={"created"})
    with pytest.raises(ValueError):
        changes.announce([users[0], regions["440106"]], what={"updated"})
    assert heard == []


def test_a_failing_subscriber_is_logged_the_others_hear_and_the_action_stays_done(
    heard, transactional_db, regions, reference_data, caplog
):
    from groups import services
    from groups.models import CorrectionGroup
    from tests.groups.conftest import group_data

    def broken(batch):
        raise RuntimeError("订阅者出错")

    groups_heard = []
    changes.subscribe("groups.CorrectionGroup", broken, name="tests.broken")
    changes.subscribe(
        "groups.CorrectionGroup",
        lambda batch: groups_heard.append(batch.ids("groups.CorrectionGroup", what={"created"})),
        name="tests.groups_heard",
    )
    coordinator = factories.coordinator(regions["440106"])
    with caplog.at_level(logging.ERROR, logger="portal.changes"):
        group = services.group_create(data=group_data(regions), created_by=coordinator)
    assert "tests.broken" in caplog.text and "订阅者出错" in caplog.text
    assert groups_heard == [[group.pk]]
    assert CorrectionGroup.objects.filter(pk=group.pk).exists()
    assert AuditEvent.objects.filter(action="group.created").count() == 1


def test_subscribing_again_under_the_same_name_replaces_the_first(heard, users):
    changes.subscribe(USER, lambda batch: heard.append("replaced"), name="tests.heard")
    changes.announce(users[0], what={"updated"})
    assert heard == ["replaced"]
    assert changes.subscribers().count("tests.heard") == 1
