"""Logging someone out everywhere (portal.services.user_sessions_end) ends each of their sessions
wherever the session store keeps it: with cached_db, sessions are read from the cache, so
deleting the rows alone would leave a copy that still signs the person in. Both stores, on both
caches the tests use (the in-process one, and Redis with REDIS_URL)."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from portal import services
from tests import factories

pytestmark = pytest.mark.django_db

ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def signed_in(client) -> bool:
    """Whether a request with the client's session cookie is someone's."""
    return client.get(reverse("portal:dashboard")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize("committed", [False, True], ids=["before-commit", "after-commit"])
def test_after_logging_out_everywhere_the_other_sessions_are_nobodys(
    engine, client_for, django_capture_on_commit_callbacks, committed
):
    person, other = factories.VolunteerFactory(), factories.VolunteerFactory()
    phone, laptop, others = client_for(person), client_for(person), client_for(other)
    assert signed_in(phone) and signed_in(laptop) and signed_in(others)  # and now cached

    with django_capture_on_commit_callbacks(execute=committed):
        assert services.user_sessions_end(user=person) == 2

    assert not signed_in(phone) and not signed_in(laptop)
    assert signed_in(others)
    keys = {phone.cookies[settings.SESSION_COOKIE_NAME].value, others.session.session_key}
    left = Session.objects.filter(session_key__in=keys).values_list("session_key", flat=True)
    assert list(left) == [others.session.session_key]


def test_a_session_missing_from_the_cache_is_read_from_the_database(engine, client_for):
    """Redis restarted (or evicted it): the person stays signed in."""
    from django.core.cache import caches

    client = client_for(factories.VolunteerFactory())
    assert signed_in(client)
    caches[settings.SESSION_CACHE_ALIAS].clear()
    assert signed_in(client)
