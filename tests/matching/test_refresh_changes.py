"""Matching hears of changes only through portal.changes: the writers below announce, and the
refresh decides which groups a change may affect. Each writer's service is used as a person
would use it, and the new suggestion reaches the coordinator."""

import pytest

from groups.models import CorrectionGroup, SuggestionSeen
from matching import refresh
from messaging.models import Notification
from portal.changes import Changes, subscribers
from tests import factories
from tests.partners import factories as pf
from volunteers.services.clearance import profile_clear_for_juveniles

KIND = "matching.new_suggestions"


def seen(kind):
    return set(
        SuggestionSeen.objects.filter(candidate_kind=kind).values_list("candidate_id", flat=True)
    )


@pytest.fixture
def queued(monkeypatch):
    """The groups each refresh would be queued for, instead of queuing it."""
    calls = []
    monkeypatch.setattr(refresh, "_enqueue", lambda ids: calls.append(sorted(ids)))
    return calls


def test_matching_listens_to_the_changes_of_groups_people_and_postings():
    assert "matching.refresh" in subscribers()


def test_only_changes_that_alter_suggestions_refresh(scene, make, regions, queued):
    person = make.person("张晓明")
    group = scene.group.pk
    for label, what in (
        ("groups.CorrectionGroup", "closed"),
        ("volunteers.VolunteerProfile", "updated"),
        ("volunteers.VolunteerProfile", "left"),
        ("volunteers.Activity", "created"),
    ):
        ids = [person.volunteer_profile.pk if "Profile" in label else group]
        refresh.on_changes(Changes({label: {ids[0]: {what}}}))
    assert queued == []
    for what in ("created", "updated", "members", "reopened"):
        refresh.on_changes(Changes({"groups.CorrectionGroup": {group: {what}}}))
    for what in ("vetting", "clearance"):
        refresh.on_changes(
            Changes({"volunteers.VolunteerProfile": {person.volunteer_profile.pk: {what}}})
        )
    assert queued == [[group]] * 6


def test_a_posting_refreshes_the_groups_of_its_county_only(scene, make, regions, queued):
    """A job at a neighbouring office of the same county reaches the group; one in another
    county does not."""
    next_door = make.job("隔壁街道岗位", places=("440106006",))
    far = make.job("越秀区岗位", places=("440104",))
    programme = make.programme(places=("440106",))
    refresh.on_changes(Changes({"partners.JobPlacement": {next_door.pk: {"status"}}}))
    refresh.on_changes(Changes({"partners.JobPlacement": {far.pk: {"created"}}}))
    refresh.on_changes(Changes({"partners.Programme": {programme.pk: {"updated"}}}))
    assert queued == [[scene.group.pk], [scene.group.pk]]


def test_clearing_a_person_for_juveniles_suggests_them_for_a_juvenile_group(
    scene, make, django_capture_on_commit_callbacks
):
    CorrectionGroup.objects.filter(pk=scene.group.pk).update(is_juvenile=True)
    person = make.person("周老师")
    with django_capture_on_commit_callbacks(execute=True):
        refresh.refresh_soon([scene.group.pk])
    assert seen("volunteer") == set()
    with django_capture_on_commit_callbacks(execute=True):
        profile_clear_for_juveniles(
            profile=person.volunteer_profile, cleared=True, by=scene.coordinator
        )
    assert seen("volunteer") == {person.pk}
    (note,) = Notification.objects.filter(user=scene.coordinator, kind=KIND)
    assert "周老师" in note.body


def test_publishing_a_job_through_the_partners_service_suggests_it(
    scene, make, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # the licence, not in the developer's folder
    owner = factories.PartnerMemberFactory(display_name="黄经理")
    organisation = pf.organisation(owner, verifier=scene.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        job = pf.job(organisation, owner, title="数控车床操作工")
    assert seen("job") == {job.pk}
    (note,) = Notification.objects.filter(user=scene.coordinator, kind=KIND)
    assert "数控车床操作工" in note.body
