"""Search hears every change announced to it (portal.changes): one index task per kind per
transaction, after commit, never after a rollback, and a person's action does not fail when the
broker is away."""

from unittest import mock

import pytest
from django.db import transaction

from portal import changes
from search.documents import KINDS
from search.services import LABEL_KINDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    calls = []

    def send(*, args, retry):
        calls.append(tuple(args))

    with mock.patch("search.tasks.index_documents.apply_async", side_effect=send):
        yield calls


def test_search_listens_to_every_model_it_indexes():
    assert "search.index" in changes.subscribers()
    assert set(LABEL_KINDS.values()) == set(KINDS)
    assert LABEL_KINDS["volunteers.VolunteerProfile"] == "volunteer"
    assert LABEL_KINDS["curriculum.MonthlyThemePage"] == "lesson"


def test_changes_in_one_transaction_are_sent_once_per_kind_after_commit(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        changes.announce("partners.JobPlacement", [3, 1], what={"updated"})
        changes.announce("partners.JobPlacement", [3], what={"status"})
        changes.announce("groups.CorrectionGroup", [7], what={"members"})
        changes.announce("curriculum.LessonPage", [12], what={"published"})
        changes.announce("curriculum.MonthlyThemePage", [11], what={"published"})
        changes.announce("portal.User", [5], what={"updated"})  # not searchable: no task
        assert sent == []
    assert sorted(sent) == [("group", [7]), ("job", [1, 3]), ("lesson", [11, 12])]


def test_nothing_is_sent_for_a_rolled_back_block(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                changes.announce("partners.JobPlacement", [5], what={"updated"})
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            changes.announce("partners.JobPlacement", [6], what={"updated"})
    assert sent == [("job", [6])]


def test_a_broker_that_is_down_does_not_fail_the_action(django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch(
            "search.tasks.index_documents.apply_async", side_effect=ConnectionError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        changes.announce("partners.JobPlacement", [1], what={"updated"})
        changes.announce("groups.CorrectionGroup", [2], what={"updated"})
    assert "job [1] deferred" in caplog.text
    assert "group [2] deferred" in caplog.text  # one kind's failure does not stop the next
