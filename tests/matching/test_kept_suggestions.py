"""Suggestions kept between visits (matching.caching): a second visit is read from the cache,
and whatever a coordinator does, or anyone changes, shows on the next visit at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from tests import factories
from tests.groups.conftest import group_data
from tests.matching.test_matching_accept import build_world
from tests.volunteers.factories import profile


@pytest.fixture
def world(regions, reference_data):
    return build_world(regions)


def url(world) -> str:
    return reverse("matching:suggestions", args=[world.group.code])


def card(candidate_id, kind="volunteer") -> str:
    return f'data-kind="{kind}" data-id="{candidate_id}"'


def visit(client, path) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visit_shows_the_same_lists_without_working_them_out_again(world, client_for):
    client = client_for(world.coordinator)
    first, first_queries = visit(client, url(world))
    second, second_queries = visit(client, url(world))
    assert card(world.candidate.pk) in first and card(world.job.pk, "job") in first
    for text in ("陈律师", "赵社工", "同一司法所"):
        assert text in second, text
    # The engine's own reads (group facts, candidates, offers: about ten) are not made again.
    assert second_queries <= first_queries - 8, (first_queries, second_queries)


def test_a_coordinator_of_the_same_group_sees_the_lists_the_lead_left(world, client_for):
    visit(client_for(world.lead), url(world))
    html, _ = visit(client_for(world.city_coordinator), url(world))
    assert card(world.candidate.pk) in html
    # Nobody without the right to the group reads what was kept for it.
    assert client_for(world.other_coordinator).get(url(world)).status_code == 404
    assert client_for(world.outsider).get(url(world)).status_code == 404


def test_a_declined_suggestion_is_gone_on_the_next_visit(world, client_for):
    client = client_for(world.coordinator)
    assert card(world.candidate.pk) in visit(client, url(world))[0]
    client.post(
        reverse("matching:suggestion_decline", args=[world.group.code]),
        {"kind": "volunteer", "candidate_id": world.candidate.pk, "reason": "时间不合适"},
    )
    assert card(world.candidate.pk) not in visit(client, url(world))[0]


def test_an_accepted_suggestion_is_gone_on_the_next_visit(world, client_for):
    client = client_for(world.coordinator)
    assert card(world.candidate.pk) in visit(client, url(world))[0]
    client.post(
        reverse("matching:suggestion_accept", args=[world.group.code]),
        {"kind": "volunteer", "candidate_id": world.candidate.pk},
    )
    html, _ = visit(client, url(world))
    assert "陈律师" in world.group.memberships.get(user=world.candidate).user.display_name
    assert card(world.candidate.pk) not in html


def test_a_person_who_starts_serving_the_area_shows_on_the_next_visit(world, client_for):
    client = client_for(world.coordinator)
    visit(client, url(world))
    newcomer = profile(
        factories.VolunteerFactory(display_name="孙律师"),
        regions=("440106005",),
        skills=("legal_aid",),
    )
    html, _ = visit(client, url(world))
    assert card(newcomer.user_id) in html and "孙律师" in html


def test_a_renamed_person_shows_under_the_new_name(world, client_for):
    client = client_for(world.coordinator)
    assert "陈律师" in visit(client, url(world))[0]
    world.candidate.display_name = "陈大律师"
    world.candidate.save(update_fields=["display_name"])
    assert "陈大律师" in visit(client, url(world))[0]


def test_a_person_freed_by_a_group_closing_is_suggested_again(world, client_for, regions):
    """The candidate has room for one group. In another group they have none left; when that
    group closes (its members ended by one UPDATE, announced after the commit), they are
    suggested again."""
    other = group_services.group_create(data=group_data(regions), created_by=world.coordinator)
    group_services.member_add(
        group=other, user=world.candidate, role="volunteer", added_by=world.coordinator
    )
    client = client_for(world.coordinator)
    assert card(world.candidate.pk) not in visit(client, url(world))[0]
    group_services.group_close(group=other, reason="released", closed_by=world.coordinator)
    assert card(world.candidate.pk) in visit(client, url(world))[0]


def test_a_job_past_its_closing_date_is_gone_on_the_first_visit_of_the_next_day(
    world, client_for, monkeypatch
):
    client = client_for(world.coordinator)
    assert card(world.job.pk, "job") in visit(client, url(world))[0]
    day_after = world.job.closes_on + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day_after)
    assert card(world.job.pk, "job") not in visit(client, url(world))[0]


def test_the_lists_follow_the_readers_language(world, client_for):
    client = client_for(world.coordinator)
    assert "同一司法所" in visit(client, url(world))[0]
    client.cookies["django_language"] = "en"
    html, _ = visit(client, url(world))
    assert "same judicial office" in html and "同一司法所" not in html


def test_the_region_overview_is_kept_per_coordinator_scope(world, client_for, regions):
    overview = reverse("matching:region")
    colleague = factories.coordinator(regions["440106"])
    html, first_queries = visit(client_for(world.coordinator), overview)
    assert world.group.code in html
    # Another province's coordinator neither sees the group nor what was kept for 天河区.
    assert world.group.code not in visit(client_for(world.other_coordinator), overview)[0]
    # A second coordinator of the same county reads what was kept.
    html, queries = visit(client_for(colleague), overview)
    assert world.group.code in html
    assert queries <= first_queries - 8, (first_queries, queries)


def test_the_overview_drops_a_group_whose_needs_are_met(world, client_for):
    """The group's unmet needs are legal aid and employment; a lawyer and a social worker for
    employment joining leaves nothing unmet, so it leaves the overview at once."""
    client = client_for(world.coordinator)
    overview = reverse("matching:region")
    assert world.group.code in visit(client, overview)[0]
    for user in (world.candidate, world.candidate_social_worker):
        group_services.member_add(
            group=world.group, user=user, role="volunteer", added_by=world.coordinator
        )
    assert world.group.code not in visit(client, overview)[0]


# --- several requests at once ----------------------------------------------------------------


def _finish_later(key, value, seconds=0.2):
    """Another request that was already working `key` out keeps `value` after a moment."""
    import threading
    import time

    from matching import caching
    from portal import page_cache

    generation = caching.GENERATION.value()

    def finish():
        time.sleep(seconds)
        page_cache.keep_stamped((key, caching._stamp(generation)), value, caching.SECONDS)
        cache.delete(f"{key}.making.{generation}")

    cache.add(f"{key}.making.{generation}", 1)
    thread = threading.Thread(target=finish)
    thread.start()
    return thread


def never(*args):
    raise AssertionError("worked out twice")


def test_a_request_waits_for_the_one_already_working_the_lists_out(db):
    from matching import caching

    thread = _finish_later("matching.overview.x", "<ol>卡片</ol>")
    assert caching._kept("matching.overview.x", never) == "<ol>卡片</ol>"
    thread.join()


def test_a_request_works_the_lists_out_itself_when_the_other_gives_up(db, monkeypatch):
    from matching import caching
    from portal import page_cache

    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.3)
    generation = caching.GENERATION.value()
    cache.add(f"matching.overview.y.making.{generation}", 1)  # and never finishes
    assert caching._kept("matching.overview.y", lambda: "自己算") == "自己算"
    # ... and keeps it for the next.
    assert caching._kept("matching.overview.y", never) == "自己算"
