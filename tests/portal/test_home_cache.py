"""The home page from the cache: visitors who are not signed in get one copy for everyone, a
minute old at most, refreshed at once by a publish; a signed-in person never gets a cached page
or anyone else's. The figures are kept a minute for everyone (HOME_CACHE_SECONDS; 0 in the
other tests, so each counts what it made)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal.models import HomePage
from portal.selectors import portal_counts
from tests import factories


@pytest.fixture
def cached_home(db):
    cache.clear()
    with override_settings(HOME_CACHE_SECONDS=60):
        yield HomePage.objects.get()
    cache.clear()


def _approved_volunteer():
    from tests.volunteers.factories import profile

    profile()


def test_visitors_get_the_cached_home_page_with_figures_a_minute_old(
    client, cached_home, regions, django_assert_max_num_queries
):
    _approved_volunteer()
    first = client.get("/")
    assert first.context["counts"]["volunteers"] == 1
    _approved_volunteer()
    # Wagtail finds the page (site, route, view restrictions) before the cache answers; nothing
    # is rendered or counted again.
    with django_assert_max_num_queries(4):
        again = client.get("/")
    assert again.content == first.content
    assert "max-age=60" in again["Cache-Control"]


def test_a_publish_reaches_visitors_at_once(client, cached_home):
    client.get("/")
    cached_home.notice = "<p>招募法律援助志愿者</p>"
    cached_home.save_revision().publish()
    assert "招募法律援助志愿者" in client.get("/").content.decode()


def test_a_signed_in_person_gets_a_fresh_page_of_their_own_never_a_cached_one(
    client, client_for, cached_home, people
):
    client.get("/")  # a visitor's copy is in the cache
    mine = client_for(people.member).get("/")
    assert "data-signed-in" in mine.content.decode()  # their own page: menu, sign-out
    assert "no-store" in mine["Cache-Control"] or "no-cache" in mine["Cache-Control"]
    assert "data-signed-in" not in client.get("/").content.decode()  # nor is theirs shared


def test_the_figures_are_counted_once_a_minute_for_signed_in_people_too(cached_home, regions):
    _approved_volunteer()
    assert portal_counts()["volunteers"] == 1
    _approved_volunteer()
    assert portal_counts()["volunteers"] == 1  # a minute old at most
    cache.delete("portal.home.counts")  # the minute is over
    assert portal_counts()["volunteers"] == 2


def test_the_figures_are_always_counted_afresh_when_the_cache_is_off(regions):
    factories.VolunteerFactory()  # (HOME_CACHE_SECONDS = 0 in test settings)
    _approved_volunteer()
    first = portal_counts()["volunteers"]
    _approved_volunteer()
    assert portal_counts()["volunteers"] == first + 1
