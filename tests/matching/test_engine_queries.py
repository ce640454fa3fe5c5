"""Suggestions and the region overview run a constant number of queries, whether a handful or
hundreds of candidates and groups are around; the adapters read every fact they need."""

import random

import pytest

from groups.scale import create_groups
from matching.candidates import offer_facts, person_facts
from matching.suggest import region_overview, suggestions_for_group
from partners import scale as partner_scale
from partners.models import JobPlacement, Programme
from volunteers import scale as volunteer_scale
from volunteers.models import VolunteerProfile

# Measured 12 and 16. One group's people have their load read for a shortlist, one query more
# when it does not settle the lists (matching.suggest._with_load; test_shortlist.py makes it
# not settle), hence 13.
SUGGESTIONS_QUERIES = 13
OVERVIEW_QUERIES = 16


def crowd(regions, size: int) -> None:
    rng = random.Random(size)
    near = [regions["440106005"], regions["440106"], regions["440100"]]
    for kind in ("volunteer", "social_worker"):
        volunteer_scale.create_people(size, kind=kind, rng=rng, regions=near)
    organisations = partner_scale.create_organisations(max(size // 10, 1), rng=rng)
    partner_scale.create_jobs(size, rng=rng, organisations=organisations)
    partner_scale.create_programmes(size, rng=rng, organisations=organisations)
    create_groups(size, rng=rng, offices=[regions["440106005"], regions["440106006"]])


@pytest.mark.parametrize("size", [3, 150])
def test_one_groups_suggestions_take_the_same_queries_for_few_or_many(
    scene, regions, size, django_assert_max_num_queries
):
    crowd(regions, size)
    with django_assert_max_num_queries(SUGGESTIONS_QUERIES):
        found = suggestions_for_group(scene.group)
    if size > 100:
        assert all(len(found[kind]) == 5 for kind in ("volunteer", "social_worker", "job"))


@pytest.mark.parametrize("size", [3, 150])
def test_the_region_overview_takes_the_same_queries_for_few_or_many(
    scene, regions, size, django_assert_max_num_queries
):
    crowd(regions, size)
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        rows = region_overview(scene.coordinator, limit=50)
    assert len(rows) == min(size + 1, 50)


def test_person_facts_read_from_the_profile(scene, make):
    user = make.person(
        "陈社工", kind="social_worker", regions=("440106", "440106005"),
        skills=("legal_aid", "psychological_counselling"), availability=0b101,
        languages=("cantonese", "mandarin"), qualification="senior", max_groups=3, cleared=True,
    )  # fmt: skip
    from groups import services

    services.member_add(group=scene.group, user=user, role="social_worker",
                        added_by=scene.coordinator)  # fmt: skip
    (facts,) = person_facts(VolunteerProfile.objects.filter(user=user)).people
    assert (facts.id, facts.kind, facts.name) == (user.pk, "social_worker", "陈社工")
    assert facts.serves == {"legal_aid", "debt", "psychological_support"}
    assert facts.skill_names["psychological_support"] == "心理咨询"
    assert len(facts.region_paths) == 2
    assert facts.slots == {(0, "morning"), (0, "evening")}
    assert facts.languages == {"粤语", "普通话"}
    assert (facts.qualification, facts.load, facts.max_groups, facts.capacity) == (3, 1, 3, 2)
    assert facts.cleared_for_juveniles and facts.vetted and not facts.suspended


def test_offer_facts_read_from_the_postings(scene, make):
    job = make.job("仓库管理员", places=("440106005",), industry="G", salary=6500,
                   housing=True, excluded=("theft",), positions=3)  # fmt: skip
    programme = make.programme("心理健康团体辅导", kind="counselling", capacity=8)
    pool = offer_facts(JobPlacement.objects.filter(pk=job.pk),
                       Programme.objects.filter(pk=programme.pk))  # fmt: skip
    job_facts, programme_facts = pool.offers
    assert job_facts.serves == {"employment", "housing"}
    assert (job_facts.industry, job_facts.salary_min) == ("G", 6500)
    assert job_facts.excluded_offences == {"theft"}
    assert job_facts.benefits == {"housing"}
    assert job_facts.open and job_facts.verified
    assert programme_facts.serves == {"psychological_support", "addiction"}
    assert pool.organisation[("job", job.pk)] == "粤海物流有限公司"
    assert pool.region_names[job_facts.region_paths[0]] == "石牌街司法所"


@pytest.mark.parametrize("needs", [{"employment"}, {"psychological_support", "legal_aid"}])
def test_who_serves_and_what_in_one_query_keeps_the_same_people_and_facts(scene, regions, needs):
    """serving_facts (who serves the offices and what they answer, in one query) gives the
    people person_facts gives for the approved people serving there, with the same facts but
    what they serve narrowed to the needs in question (nothing else can score)."""
    from matching.candidates import people_ids, serving_facts

    crowd(regions, 60)
    some = list(VolunteerProfile.objects.order_by("pk").values_list("pk", flat=True)[:9])
    VolunteerProfile.objects.filter(pk__in=some).update(status="suspended")  # not candidates
    offices = {scene.group.judicial_office.path}
    before = person_facts(people_ids(office_paths=offices), needs=needs, spare=True).people
    after = serving_facts(office_paths=offices, needs=needs, spare=True).people
    assert len(after) > 10
    narrowed = {p.id: (p.serves & needs, p) for p in before}
    assert {p.id for p in after} == set(narrowed)
    for person in after:
        serves, old = narrowed[person.id]
        assert person.serves == serves
        assert {c: person.skill_names[c] for c in serves} == {c: old.skill_names[c] for c in serves}
        assert (person.region_paths, person.load, person.max_groups, person.vetted) == (
            old.region_paths, old.load, old.max_groups, old.vetted,
        )  # fmt: skip
