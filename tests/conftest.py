"""Shared fixtures: a small region tree, a user of every role, and the owner/member/outsider/
anonymous set that every view and consumer test uses to check who may and who may not."""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from portal import services
from tests import factories

# Records the URL patterns the suite requests (tests/test_url_coverage.py judges them).
pytest_plugins = ["tests.url_coverage"]

# A slice of the demo tree: two provinces, so "covers its descendants and nothing else" has
# siblings and cousins to get wrong.
TEST_REGIONS = (
    (
        "440000",
        "广东省",
        (
            (
                "440100",
                "广州市",
                (
                    (
                        "440106",
                        "天河区",
                        (
                            ("440106005", "石牌街司法所", ()),
                            ("440106006", "天河南街司法所", ()),
                        ),
                    ),
                    ("440104", "越秀区", (("440104003", "北京街司法所", ()),)),
                ),
            ),
        ),
    ),
    (
        "510000",
        "四川省",
        (("510100", "成都市", (("510107", "武侯区", (("510107001", "浆洗街司法所", ()),)),)),),
    ),
)

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Skip service tests when the service is not configured. CI sets every service and
    refuses any skip (.ci/run), so these run there."""
    reasons = {
        "needs_redis": (not settings.REDIS_URL, "REDIS_URL is not set"),
        "needs_postgres": (
            settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
            "DATABASE_URL is not PostgreSQL",
        ),
        "browser": (shutil.which(CHROMIUM) is None, f"{CHROMIUM} is not installed"),
        "needs_elasticsearch": (
            not os.environ.get("SEARCH_TEST_ELASTICSEARCH_URL"),
            "SEARCH_TEST_ELASTICSEARCH_URL is not set",
        ),
    }
    for item in items:
        for marker, (skip, reason) in reasons.items():
            if skip and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def stray_sessions_closed(django_db_setup, django_db_blocker):
    """End the test database's other PostgreSQL sessions before it is dropped: live servers,
    ASGI subprocesses and worker threads may leave one open, and the drop would then fail with
    "database is being accessed by other users" (left behind for the next run)."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def sms_outbox():
    """The text messages this test sent (portal.sms's local-memory backend), empty at the start."""
    from portal import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def fresh_cache():
    """An empty cache for every test. Pages keep rendered parts and counts in the cache under
    generations that writes raise; a rolled-back test's rows vanish without a write, and the
    next test's rows reuse their ids, so what one test cached must not reach the next. Only the
    cache's own keys go (django-redis's prefix): the channel layer in the same Redis stays."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A new channel layer for every test: each async test runs in its own event loop, and
    channels_redis binds its locks and connections to the loop that first used them."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def channel_groups_left_empty(fresh_channel_layer):
    """For socket tests: after the test (its sockets closed), no channel is left in a group."""
    from tests.sockets import assert_no_channel_groups_left

    yield
    assert_no_channel_groups_left()


@pytest.fixture
def regions(db):
    services.region_tree_load(tree=TEST_REGIONS)
    from portal.models import Region

    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def reference_data(db):
    """Managed lists the migrations load; reloaded because a transactional test's flush empties
    them for the tests after it."""
    from groups.services import needs_load
    from volunteers.services import skills_load

    services.reference_data_load()
    needs_load()
    skills_load()


@pytest.fixture
def people(regions):
    """owner: the coordinator of 天河区; member: a volunteer working there; outsider: a
    coordinator of 武侯区 in another province; anonymous: nobody logged in."""
    return SimpleNamespace(
        owner=factories.coordinator(regions["440106"]),
        member=factories.VolunteerFactory(),
        outsider=factories.coordinator(regions["510107"]),
        anonymous=None,
    )


@pytest.fixture
def home_page(transactional_db):
    """The page tree the migrations build, rebuilt when an earlier transactional test's flush
    emptied it (serialized_rollback fails on the content types post_migrate re-creates)."""
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="全部页面", locale=locale)  # as portal's migration 0011 names it
        )
        home = root.add_child(instance=HomePage(title="首页", slug="home", locale=locale))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
    return home


@pytest.fixture
def client_for(db):
    """client_for(user) -> a new test client logged in as user (anonymous for None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
