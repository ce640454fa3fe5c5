"""seed_demo and seed_scale give volunteers and social workers real profiles; the home page
counts approved ones; the menu links each person to their pages."""

import io
import random

import pytest
from django.core.management import call_command

from portal.models import Region
from portal.selectors import portal_counts
from tests import factories
from tests.volunteers import factories as vf
from volunteers import nav
from volunteers.models import ServiceRecord, VolunteerProfile
from volunteers.scale import create_people


@pytest.mark.django_db
def test_seed_demo_gives_the_demo_people_approved_profiles_with_hours_and_is_rerunnable(
    reference_data, monkeypatch
):
    # Only the apps this demo builds on: portal.demo (a package of region data, no seed())
    # is picked up by the registry as a demo module, which other apps' tests cover.
    from groups import demo as groups_demo
    from portal.management.commands import seed_demo
    from volunteers import demo

    monkeypatch.setattr(seed_demo, "app_modules", lambda name: (groups_demo, demo))
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    for email in ("volunteer@demo.portal.cn", "socialworker@demo.portal.cn"):
        profile = VolunteerProfile.objects.get(user__email=email)
        assert profile.status == "approved"
        assert list(profile.regions.values_list("name", flat=True)) == ["天河区"]
        assert profile.confirmed_hours > 0
        assert ServiceRecord.objects.filter(profile=profile, status="confirmed").exists()
    for code in ("440106", "510107", "640104", "310113"):
        assert VolunteerProfile.objects.filter(regions__code=code, status="approved").count() >= 2
    assert VolunteerProfile.objects.filter(status="submitted").exists()


@pytest.mark.django_db
def test_seed_scale_creates_profiles_at_any_count(regions, reference_data):
    call_command("seed_scale", volunteers=250, social_workers=30, quiet=True, stdout=io.StringIO())
    profiles = VolunteerProfile.objects.all()
    assert profiles.filter(kind="volunteer").count() == 250
    assert profiles.filter(kind="social_worker").count() == 30
    assert profiles.filter(regions__isnull=True).count() == 0
    assert profiles.filter(status="approved").count() > 150
    assert len(set(profiles.values_list("id_hash", flat=True))) == 280


@pytest.mark.django_db
def test_the_home_page_counts_approved_profiles_only(regions, reference_data):
    create_people(5, kind="volunteer", rng=random.Random(1), regions=[Region.objects.first()])
    VolunteerProfile.objects.update(status="submitted")
    vf.profile()
    vf.profile(kind="social_worker")
    counts = portal_counts()
    assert (counts["volunteers"], counts["social_workers"]) == (1, 1)


@pytest.mark.django_db
def test_the_menu_by_role(regions):
    volunteer = factories.VolunteerFactory()
    assert len(nav.items(volunteer, set())) == 3
    coordinator = factories.coordinator(regions["440106"])
    labels = [str(label) for label, _url in nav.items(coordinator, {"coordinator"})]
    assert len(labels) == 2
    assert nav.items(factories.PartnerMemberFactory(), set()) == []
