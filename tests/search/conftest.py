"""The demo data (`seed_demo`), indexed, and the two backends every behavioural test runs on.

`engine` is "database" (SQLite FTS5 or PostgreSQL full text, whichever DATABASE_URL names) or
"elasticsearch": an Elasticsearch-API-compatible STAND-IN server (noida-db, installed from PyPI
by .ci/run), not a real Elasticsearch; docker-compose.yml runs the real one. Those tests carry
the `needs_elasticsearch` marker and need SEARCH_TEST_ELASTICSEARCH_URL (CI's PostgreSQL run
sets it; without it they are skipped). Tests assert on documents and facets, never on scores.
"""

import io
import os
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from portal.models import Region, User
from tests import factories

STAND_IN_URL = os.environ.get("SEARCH_TEST_ELASTICSEARCH_URL", "")


@pytest.fixture(
    params=["database", pytest.param("elasticsearch", marks=pytest.mark.needs_elasticsearch)]
)
def engine(request, settings):
    """The backend under test; the Elasticsearch one gets indices of its own, dropped after."""
    if request.param == "elasticsearch":
        from search.backends import get_backend

        settings.ELASTICSEARCH_URL = STAND_IN_URL
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
        yield request.param
        get_backend().clear()
    else:
        settings.ELASTICSEARCH_URL = ""
        yield request.param


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Everything `manage.py seed_demo` loads, once per module (it takes a while), inside a
    transaction rolled back after the module; each test runs in a savepoint within it."""
    from groups.services import needs_load
    from portal import services
    from volunteers.services import skills_load

    with django_db_blocker.unblock(), transaction.atomic():
        services.reference_data_load()
        needs_load()
        skills_load()
        call_command("seed_demo", stdout=io.StringIO())
        users = {
            u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.portal.cn")
        }
        users["other_coordinator"] = factories.coordinator(Region.objects.get(code="510107"))
        yield SimpleNamespace(**users)
        transaction.set_rollback(True)
    cache.clear()  # Wagtail caches the site's root paths of the rolled-back page tree


@pytest.fixture
def indexed(demo, db, engine):
    """The demo data, indexed by the backend under test."""
    from search.services import index_rebuild

    index_rebuild()
    return demo


def kinds_of(results) -> set[str]:
    return {hit.kind for hit in results.hits}


def titles_of(results) -> list[str]:
    from django.utils.html import strip_tags

    return [strip_tags(hit.title) for hit in results.hits]


@pytest.fixture(autouse=True)
def fresh_search_cache():
    """Each test's database is rolled back after it, without the index write that would raise
    the generation: start each test on a generation of its own, as a write would."""
    from search.backends import GENERATION

    GENERATION.bump()
