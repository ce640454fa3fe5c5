"""index_later: one task per kind per transaction, after commit, never after a rollback, and a
person's action does not fail when the broker is away."""

from unittest import mock

import pytest
from django.db import transaction

from search import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    calls = []

    def send(*, args, retry):
        calls.append(tuple(args))

    with mock.patch("search.tasks.index_documents.apply_async", side_effect=send):
        yield calls


def test_changes_in_one_transaction_are_sent_once_per_kind_after_commit(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.index_later("job", 3)
        services.index_later("job", 1)
        services.index_later("job", 3)
        services.index_later("group", 7)
        assert sent == []
    assert sorted(sent) == [("group", [7]), ("job", [1, 3])]


def test_nothing_is_sent_for_a_rolled_back_block(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.index_later("job", 5)
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            services.index_later("job", 6)
    assert sent == [("job", [6])]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        services.index_later("spaceship", 1)


def test_a_broker_that_is_down_does_not_fail_the_action(django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch(
            "search.tasks.index_documents.apply_async", side_effect=ConnectionError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.index_later("job", 1)
    assert "deferred" in caplog.text
