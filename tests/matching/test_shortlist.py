"""One group's lists read the load (and name) of a shortlist only, those whose best possible
score is high enough (matching.suggest._with_load): the lists must be exactly those worked out
with everyone's load read, whoever is busy, and in a fixed number of queries either way."""

import random

import pytest

from groups import services
from groups.models import CorrectionGroup
from groups.scale import create_groups
from matching import suggest
from matching.suggest import suggestions_for_group, suggestions_for_groups
from tests.groups.conftest import group_data
from tests.matching.test_engine_queries import SUGGESTIONS_QUERIES, crowd

PEOPLE = ("volunteer", "social_worker")


def everyone_read(monkeypatch):
    """The lists as worked out with every candidate's load read (no shortlist)."""
    monkeypatch.setattr(suggest, "SHORTLIST", 10**6)


def lists(found) -> dict:
    return {kind: [(s.id, s.label, s.score) for s in found[kind]] for kind in PEOPLE}


def test_the_best_free_people_are_found_when_the_best_on_paper_are_all_busy(
    scene, make, regions, monkeypatch, django_assert_max_num_queries
):
    """Twenty-four volunteers free every day but already in as many groups as they take (their
    one place held elsewhere), and sixty free of work but with no time stated: the lists show
    five of the sixty, as they would with everyone's load read, within the same query cap."""
    elsewhere = services.group_create(
        data=group_data(regions, needs={"legal_aid": 1}), created_by=scene.coordinator
    )
    busy = [make.person(f"忙碌志愿者{i:02d}", max_groups=1, availability=0b111) for i in range(24)]
    for user in busy:
        services.member_add(group=elsewhere, user=user, role="volunteer",
                            added_by=scene.coordinator)  # fmt: skip
    free = {make.person(f"空闲志愿者{i:02d}", max_groups=2).pk for i in range(60)}

    with django_assert_max_num_queries(SUGGESTIONS_QUERIES):
        found = suggestions_for_group(scene.group)
    shown = [s.id for s in found["volunteer"]]
    assert len(shown) == 5 and set(shown) <= free
    assert all(s.label.startswith("空闲志愿者") for s in found["volunteer"])

    everyone_read(monkeypatch)
    assert lists(suggestions_for_group(scene.group)) == lists(found)


def test_a_place_taken_lowers_a_person_below_an_equal_but_free_one(
    scene, make, regions, monkeypatch
):
    """Of two people alike in every other way, the one with a place already taken scores less
    (spare capacity counts) and is listed after the other, with forty others around."""
    elsewhere = services.group_create(
        data=group_data(regions, needs={"legal_aid": 1}), created_by=scene.coordinator
    )
    taken = make.person("王敏", max_groups=2, availability=0b111, languages=("cantonese",))
    make.person("李娜", max_groups=2, availability=0b111, languages=("cantonese",))
    services.member_add(group=elsewhere, user=taken, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    for i in range(40):
        make.person(f"志愿者{i:02d}", max_groups=2)

    found = suggestions_for_group(scene.group)
    names = [s.label for s in found["volunteer"]]
    assert names[:2] == ["李娜", "王敏"]
    assert found["volunteer"][0].score > found["volunteer"][1].score

    everyone_read(monkeypatch)
    assert lists(suggestions_for_group(scene.group)) == lists(found)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_groups_lists_are_those_with_everyones_load_read(scene, regions, seed, monkeypatch):
    """A crowd of 150 of each kind around a hundred groups, some people holding places: every
    group's lists, alone or three at a time, are the same with the shortlist as without."""
    crowd(regions, 150)
    rng = random.Random(seed)
    create_groups(100, rng=rng, offices=[regions["440106005"]])
    groups = list(CorrectionGroup.objects.filter(status="active").order_by("pk"))
    sample = rng.sample(groups, 12)
    shortlisted = [lists(suggestions_for_group(g)) for g in sample]
    together = suggestions_for_groups(sample[:3], per_kind=5)

    everyone_read(monkeypatch)
    assert [lists(suggestions_for_group(g)) for g in sample] == shortlisted
    assert suggestions_for_groups(sample[:3], per_kind=5) == together
    assert any(row[kind] for row in shortlisted for kind in PEOPLE)


def test_two_groups_lists_at_once_find_the_free_when_the_best_on_paper_are_busy(
    scene, make, regions, monkeypatch
):
    elsewhere = services.group_create(
        data=group_data(regions, needs={"psychological_support": 1}), created_by=scene.coordinator
    )
    for i in range(24):
        user = make.person(f"忙碌社工{i:02d}", kind="social_worker", max_groups=1,
                           availability=0b111)  # fmt: skip
        services.member_add(group=elsewhere, user=user, role="social_worker",
                            added_by=scene.coordinator)  # fmt: skip
    for i in range(60):
        make.person(f"空闲社工{i:02d}", kind="social_worker", max_groups=2)

    rows = suggestions_for_groups([scene.group, elsewhere], per_kind=5)
    for _group, found in rows:
        assert len(found["social_worker"]) == 5
        assert all(s.label.startswith("空闲社工") for s in found["social_worker"])
    everyone_read(monkeypatch)
    assert suggestions_for_groups([scene.group, elsewhere], per_kind=5) == rows
