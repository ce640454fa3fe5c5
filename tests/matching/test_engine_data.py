"""The data matching needs: a group's languages and meeting times through the group form, and a
person's clearance for juveniles, set by a coordinator of their region and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from groups.models import CorrectionGroup
from matching.read import group_facts
from portal.models import AuditEvent, OffenceCategory
from tests import factories
from volunteers.models import Language
from volunteers.services.clearance import profile_clear_for_juveniles

WEDNESDAY_AFTERNOON = 2 * 3 + 1


def form(regions, **changes):
    data = {
        "judicial_office": regions["440106005"].pk,
        "stage": "entry",
        "supervision_level": "ordinary",
        "offence": OffenceCategory.objects.get(code="theft").pk,
        "sentence_type": "probation",
        "start_date": "2026-05-01",
        "planned_end_date": "2027-04-30",
        "need_psychological_support": "1",
        "approved_regions": [regions["440106"].pk],
        "languages": [Language.objects.get(code="cantonese").pk],
        "slots": [str(WEDNESDAY_AFTERNOON)],
    }
    data.update(changes)
    return data


def test_languages_and_meeting_times_are_saved_by_the_group_form(scene, client_for, regions):
    client = client_for(scene.coordinator)
    response = client.post(reverse("groups:create"), form(regions))
    assert response.status_code == 302
    group = CorrectionGroup.objects.exclude(pk=scene.group.pk).get()
    assert group.slots == 1 << WEDNESDAY_AFTERNOON
    (facts,) = group_facts([group])
    assert facts.languages == {"粤语"} and facts.slots == {(2, "afternoon")}

    edit = reverse("groups:edit", args=[group.code])
    initial = client.get(edit).context["form"].initial
    assert initial["slots"] == [str(WEDNESDAY_AFTERNOON)]
    assert [lang.code for lang in initial["languages"]] == ["cantonese"]
    response = client.post(edit, form(regions, languages=[], slots=["0", "20"]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.slots, group.languages.count()) == (1 | 1 << 20, 0)


def test_a_meeting_time_outside_the_week_is_refused_and_changes_nothing(scene, client_for, regions):
    response = client_for(scene.coordinator).post(
        reverse("groups:create"), form(regions, slots=["21"])
    )
    assert response.status_code == 200 and response.context["form"].errors["slots"]
    assert CorrectionGroup.objects.count() == 1


def test_a_coordinator_of_their_region_clears_a_person_for_juveniles(scene, make):
    person = make.person("张晓明").volunteer_profile
    profile_clear_for_juveniles(profile=person, cleared=True, by=scene.coordinator)
    person.refresh_from_db()
    assert person.cleared_for_juveniles and person.cleared_for_juveniles_by == scene.coordinator
    assert AuditEvent.objects.filter(action="volunteer.juvenile_cleared", actor=scene.coordinator,
                                     object_id=str(person.pk)).exists()  # fmt: skip
    profile_clear_for_juveniles(profile=person, cleared=False, by=scene.coordinator)
    person.refresh_from_db()
    assert not person.cleared_for_juveniles and person.cleared_for_juveniles_at is None
    assert AuditEvent.objects.filter(action="volunteer.juvenile_clearance_withdrawn").exists()


def test_only_a_coordinator_of_their_region_may_clear_and_only_an_approved_person(scene, make):
    person = make.person("张晓明").volunteer_profile
    with pytest.raises(PermissionDenied):
        profile_clear_for_juveniles(profile=person, cleared=True, by=scene.other_coordinator)
    with pytest.raises(PermissionDenied):
        profile_clear_for_juveniles(profile=person, cleared=True, by=factories.VolunteerFactory())
    pending = make.person("李待审", status="submitted").volunteer_profile
    with pytest.raises(ValidationError):
        profile_clear_for_juveniles(profile=pending, cleared=True, by=scene.coordinator)
    person.refresh_from_db()
    pending.refresh_from_db()
    assert not person.cleared_for_juveniles and not pending.cleared_for_juveniles
    assert not AuditEvent.objects.filter(action__startswith="volunteer.juvenile").exists()


def test_the_vetting_page_clears_and_withdraws_with_a_post(scene, make, client_for):
    person = make.person("张晓明").volunteer_profile
    url = reverse("volunteers:juvenile_clearance", args=[person.pk])
    page = reverse("volunteers:profile_detail", args=[person.pk])
    client = client_for(scene.coordinator)
    assert "从不推荐" in client.get(page).content.decode()
    response = client.post(url, {"cleared": "1"}, follow=True)
    assert "已准许与未成年人小组工作" in response.content.decode()
    person.refresh_from_db()
    assert person.cleared_for_juveniles
    client.post(url, {"cleared": "0"})
    person.refresh_from_db()
    assert not person.cleared_for_juveniles


@pytest.mark.parametrize("who", ["other_coordinator", "volunteer", "anonymous"])
def test_only_a_coordinator_of_their_region_may_post_the_clearance(scene, make, client_for, who):
    person = make.person("张晓明").volunteer_profile
    user = {"other_coordinator": scene.other_coordinator, "volunteer": person.user,
            "anonymous": None}[who]  # fmt: skip
    response = client_for(user).post(
        reverse("volunteers:juvenile_clearance", args=[person.pk]), {"cleared": "1"}
    )
    assert response.status_code == (302 if who == "anonymous" else 404)
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    person.refresh_from_db()
    assert not person.cleared_for_juveniles
    assert (
        client_for(scene.coordinator)
        .get(reverse("volunteers:juvenile_clearance", args=[person.pk]))
        .status_code
        == 405
    )
