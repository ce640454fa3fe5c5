"""Suggestions refresh when a profile, posting or group changes: new ones are stored and the
coordinators of the group's region are told in real time; candidates are never told. The
debounce is proven through a real Celery worker on Redis."""

import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from groups import services
from groups.models import SuggestionSeen
from matching import refresh
from messaging.models import Notification
from tests import factories
from tests.groups.conftest import group_data
from tests.servers import ROOT, celery_worker, worker_env
from volunteers.services.vetting import profile_decide

KIND = "matching.new_suggestions"


def told(user):
    return list(Notification.objects.filter(user=user, kind=KIND).order_by("pk"))


def test_a_refresh_stores_new_suggestions_and_tells_the_coordinators_only(
    scene, make, regions, django_capture_on_commit_callbacks
):
    city = factories.coordinator(regions["440100"])
    person = make.person("张晓明")
    job = make.job("仓库管理员")
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh_soon([scene.group.pk])
    seen = set(SuggestionSeen.objects.values_list("candidate_kind", "candidate_id"))
    assert seen == {("volunteer", person.pk), ("job", job.pk)}
    for coordinator in (scene.coordinator, city):
        (note,) = told(coordinator)
        assert scene.group.code in note.title
        assert "张晓明（志愿者）" in note.body and "仓库管理员（岗位）" in note.body
    assert not told(scene.other_coordinator)  # another province
    assert not Notification.objects.filter(user=person).exists()  # candidates never learn

    # Nothing new: nobody is told again.
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh_soon([scene.group.pk])
    assert len(told(scene.coordinator)) == 1


def test_a_coordinator_of_many_refreshed_groups_is_told_once_with_a_summary(
    scene, make, django_capture_on_commit_callbacks
):
    """A new job in a county may bring new suggestions to its 2,000 groups: their coordinator
    gets one notification pointing to the region overview, not one per group."""
    groups = [scene.group] + [
        services.group_create(
            data=group_data(make.regions, forbidden_industries=[]), created_by=scene.coordinator
        )
        for _ in range(refresh.SUMMARY_AFTER)
    ]
    make.job("仓库管理员")
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh_soon([g.pk for g in groups])
    (summary,) = told(scene.coordinator)
    assert f"{len(groups)} 个矫正小组" in summary.title
    assert all(g.code in summary.body for g in groups)
    assert summary.url == reverse("matching:region")
    # Every group's suggestion was stored all the same.
    assert SuggestionSeen.objects.filter(candidate_kind="job").count() == len(groups)
    assert not told(scene.other_coordinator)


def test_approving_a_person_tells_the_coordinator_of_the_new_suggestion_only(
    scene, make, django_capture_on_commit_callbacks
):
    make.person("张晓明")
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh_soon([scene.group.pk])
    newcomer = make.person("李新", status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        profile_decide(profile=newcomer.volunteer_profile, decision="approve",
                       decided_by=scene.coordinator)  # fmt: skip
    first, second = told(scene.coordinator)
    assert "李新" in second.body and "张晓明" not in second.body
    assert not Notification.objects.filter(user=newcomer, kind=KIND).exists()


def test_changing_a_group_refreshes_it(scene, make, regions, django_capture_on_commit_callbacks):
    lawyer = make.person("王律师", skills=("housing_assistance",))
    assert not SuggestionSeen.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.group_update(
            group=scene.group, data=group_data(regions, needs={"housing": 1}),
            updated_by=scene.coordinator,
        )  # fmt: skip
    assert list(SuggestionSeen.objects.values_list("candidate_id", flat=True)) == [lawyer.pk]


def test_a_member_joining_refreshes_what_is_still_unmet(
    scene, make, regions, django_capture_on_commit_callbacks
):
    """Once a lawyer joins, legal aid is met: the next candidates stored are for the rest."""
    lawyer = make.person("王律师", skills=("legal_aid",))
    with django_capture_on_commit_callbacks(execute=True):
        services.group_update(
            group=scene.group, data=group_data(regions, needs={"legal_aid": 1, "housing": 2}),
            updated_by=scene.coordinator,
        )  # fmt: skip
    assert list(SuggestionSeen.objects.values_list("candidate_id", flat=True)) == [lawyer.pk]
    helper = make.person("赵住房", skills=("housing_assistance",))
    with django_capture_on_commit_callbacks(execute=True):
        services.member_add(group=scene.group, user=lawyer, role="volunteer",
                            added_by=scene.coordinator)  # fmt: skip
    assert helper.pk in SuggestionSeen.objects.values_list("candidate_id", flat=True)


def test_two_refreshes_racing_store_each_suggestion_once_and_keep_the_first(scene, make):
    """The second of two refreshes of a group read before the first stored: it stores only
    what the first did not, and the first's rows (score, when first seen) stay as they were."""
    person, job = make.person("张晓明"), make.job("仓库管理员")
    earlier = SuggestionSeen.objects.create(
        group=scene.group, candidate_kind="volunteer", candidate_id=person.pk, score=1.0
    )
    refresh._insert_seen(
        [(scene.group.pk, "volunteer", person.pk, 7.5), (scene.group.pk, "job", job.pk, 6.25)]
    )
    rows = {(r.candidate_kind, r.candidate_id): r for r in SuggestionSeen.objects.all()}
    assert set(rows) == {("volunteer", person.pk), ("job", job.pk)}
    kept = rows[("volunteer", person.pk)]
    assert (kept.score, kept.first_seen) == (1.0, earlier.first_seen)
    assert rows[("job", job.pk)].score == 6.25
    assert rows[("job", job.pk)].first_seen >= earlier.first_seen


def test_a_change_while_a_refresh_is_pending_enqueues_nothing(scene, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "matching.tasks.suggestions_refresh.apply_async", lambda **kw: queued.append(kw["args"])
    )
    cache.delete(refresh.pending_key(scene.group.pk))
    refresh._enqueue([scene.group.pk])
    refresh._enqueue([scene.group.pk])
    assert queued == [[[scene.group.pk]]]
    # The task clears the mark when it starts: the next change is queued again.
    refresh.refresh_groups([scene.group.pk])
    refresh._enqueue([scene.group.pk])
    assert len(queued) == 2
    cache.delete(refresh.pending_key(scene.group.pk))


ENQUEUE_TWICE = """
import sys, django
django.setup()
from django.db import transaction
from matching.refresh import refresh_soon
group = int(sys.argv[1])
for _ in range(2):  # two changes in a row, each in its own transaction
    with transaction.atomic():
        refresh_soon([group])
"""


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_once_for_two_changes_and_tells_the_coordinator(
    scene, make, settings
):
    """web process → Redis → worker: two changes inside the debounce delay, one recompute."""
    person = make.person("张晓明")
    cache.delete(refresh.pending_key(scene.group.pk))
    with celery_worker(broker_url=settings.REDIS_URL, purge=True) as log:
        web = subprocess.run(
            [sys.executable, "-c", ENQUEUE_TWICE, str(scene.group.pk)],
            cwd=ROOT, env=worker_env(settings.REDIS_URL), capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert web.returncode == 0, web.stderr
        deadline = time.monotonic() + 60 + refresh.DEBOUNCE_SECONDS
        while not told(scene.coordinator) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(refresh.DEBOUNCE_SECONDS + 1)  # a second task, had one been queued, runs now
    text = "".join(log)
    (note,) = told(scene.coordinator)
    assert "张晓明" in note.body, text
    assert text.count("matching.tasks.suggestions_refresh") >= 1
    assert len([line for line in log if "suggestions_refresh" in line and "succeeded" in line]) == 1
    assert not Notification.objects.filter(user=person).exists()
