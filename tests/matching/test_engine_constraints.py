"""Each hard constraint with real rows: a candidate failing it never appears in the group's
suggestions, while a candidate who differs only in that respect does."""

from datetime import timedelta

from django.utils import timezone

from groups import services
from groups.models import CorrectionGroup, GroupNeed, MatchDecline
from matching.suggest import KINDS, suggestions_for_group
from partners.models import Referral
from tests import factories
from tests.groups.conftest import group_data


def ids(suggestions, kind):
    return [s.id for s in suggestions[kind]]


def test_every_kind_is_present_and_a_fitting_person_is_suggested(scene, make):
    ok = make.person("张晓明")
    found = suggestions_for_group(scene.group)
    assert list(found) == list(KINDS)
    assert ids(found, "volunteer") == [ok.pk]
    assert found["volunteer"][0].label == "张晓明"
    assert found["volunteer"][0].detail == "石牌街司法所"
    assert found["social_worker"] == []


def test_people_not_approved_or_suspended_are_never_suggested(scene, make):
    ok = make.person("张晓明")
    for status in ("draft", "submitted", "needs_changes", "rejected", "suspended", "left"):
        make.person(f"王{status}", status=status)
    assert ids(suggestions_for_group(scene.group), "volunteer") == [ok.pk]


def test_only_people_serving_the_groups_region_are_suggested(scene, make):
    office = make.person("石牌街", regions=("440106005",))
    county = make.person("天河区", regions=("440106",))
    city = make.person("广州市", regions=("440100",))
    make.person("隔壁街道", regions=("440106006",))
    make.person("越秀区", regions=("440104",))
    make.person("武侯区", regions=("510107",))
    found = suggestions_for_group(scene.group)
    assert set(ids(found, "volunteer")) == {office.pk, county.pk, city.pk}
    # Nearer first, other things equal.
    assert ids(found, "volunteer") == [office.pk, county.pk, city.pk]


def test_people_at_their_maximum_number_of_groups_are_not_suggested(scene, make, regions):
    full = make.person("满员", max_groups=1)
    room = make.person("有空", max_groups=2)
    other = services.group_create(
        data=group_data(regions, needs={"housing": 2}), created_by=scene.coordinator
    )
    for person in (full, room):
        services.member_add(group=other, user=person, role="volunteer", added_by=scene.coordinator)
    assert ids(suggestions_for_group(scene.group), "volunteer") == [room.pk]
    # A place in a closed group no longer counts against them.
    services.group_close(group=other, reason="released", closed_by=scene.coordinator)
    assert set(ids(suggestions_for_group(scene.group), "volunteer")) == {full.pk, room.pk}


def test_juvenile_groups_get_only_people_cleared_for_juveniles(scene, make):
    cleared = make.person("已审核", cleared=True)
    plain = make.person("未审核")
    assert set(ids(suggestions_for_group(scene.group), "volunteer")) == {cleared.pk, plain.pk}
    CorrectionGroup.objects.filter(pk=scene.group.pk).update(is_juvenile=True)
    scene.group.refresh_from_db()
    assert ids(suggestions_for_group(scene.group), "volunteer") == [cleared.pk]


def test_members_and_declined_people_are_not_suggested_again(scene, make):
    member = make.person("组员")
    declined = make.person("已婉拒")
    former = make.person("前组员")
    fresh = make.person("新人")
    services.member_add(group=scene.group, user=member, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    gone = services.member_add(group=scene.group, user=former, role="volunteer",
                               added_by=scene.coordinator)  # fmt: skip
    services.member_remove(membership=gone, removed_by=scene.coordinator, reason="搬家")
    MatchDecline.objects.create(group=scene.group, candidate_kind="volunteer",
                                candidate_id=declined.pk, reason="时间不合适")  # fmt: skip
    assert ids(suggestions_for_group(scene.group), "volunteer") == [fresh.pk]


def test_people_whose_skills_serve_none_of_the_needs_are_not_suggested(scene, make):
    fits = make.person("律师", skills=("legal_aid",))
    make.person("司机", skills=("driving_instruction",))
    make.person("无技能", skills=())
    assert ids(suggestions_for_group(scene.group), "volunteer") == [fits.pk]


def test_social_workers_and_volunteers_are_listed_apart(scene, make):
    worker = make.person("社工刘", kind="social_worker", qualification="senior")
    volunteer = make.person("志愿者陈")
    found = suggestions_for_group(scene.group)
    assert (ids(found, "social_worker"), ids(found, "volunteer")) == ([worker.pk], [volunteer.pk])


def test_a_group_with_no_needs_gets_empty_lists(scene, make):
    make.person("张晓明")
    make.job()
    GroupNeed.objects.filter(group=scene.group).delete()
    assert suggestions_for_group(scene.group) == {kind: [] for kind in KINDS}


def test_jobs_only_inside_the_approved_execution_area(scene, make):
    inside = make.job("天河仓管", places=("440106",))
    office = make.job("石牌保安", places=("440106005",))
    make.job("越秀仓管", places=("440104",))
    make.job("成都仓管", places=("510107",))
    assert set(ids(suggestions_for_group(scene.group), "job")) == {inside.pk, office.pk}


def test_jobs_in_a_forbidden_industry_are_not_suggested(scene, make):
    ok = make.job("仓库管理员", industry="G")
    make.job("娱乐场所服务员", industry="R")  # the group's restriction order forbids R
    assert ids(suggestions_for_group(scene.group), "job") == [ok.pk]


def test_jobs_whose_employer_excludes_the_offence_are_not_suggested(scene, make):
    ok = make.job("仓库管理员", excluded=("theft",))
    make.job("驾驶员", excluded=("dangerous_driving",))
    assert ids(suggestions_for_group(scene.group), "job") == [ok.pk]


def test_closed_full_or_unverified_postings_are_not_suggested(scene, make):
    ok = make.job("仓库管理员")
    make.job("已关闭", status="closed")
    make.job("草稿", status="draft")
    make.job("未认证", organisation=make.organisation("待审公司", status="pending"))
    full = make.job("满员", positions=1)
    other = services.group_create(data=group_data(make.regions), created_by=scene.coordinator)
    Referral.objects.create(group=other, job=full, organisation=full.organisation,
                            respond_by=timezone.now() + timedelta(days=7))  # fmt: skip
    assert ids(suggestions_for_group(scene.group), "job") == [ok.pk]


def test_postings_already_referred_or_declined_are_not_suggested_again(scene, make):
    referred = make.job("已转介")
    declined = make.job("已婉拒")
    fresh = make.job("新岗位")
    Referral.objects.create(group=scene.group, job=referred, organisation=referred.organisation,
                            respond_by=timezone.now() + timedelta(days=7))  # fmt: skip
    MatchDecline.objects.create(group=scene.group, candidate_kind="job",
                                candidate_id=declined.pk, reason="夜班")  # fmt: skip
    assert ids(suggestions_for_group(scene.group), "job") == [fresh.pk]


def test_programmes_answer_needs_within_the_area_and_capacity(scene, make):
    legal = make.programme("法律援助咨询日", kind="legal_aid")
    make.programme("学历提升计划", kind="academic")  # the group needs no education
    make.programme("越秀法律援助", kind="legal_aid", places=("440104",))
    make.programme("已关闭", kind="legal_aid", status="closed")
    found = suggestions_for_group(scene.group)
    assert ids(found, "programme") == [legal.pk]
    assert found["programme"][0].detail == "粤海物流有限公司"


def test_a_closed_group_gets_no_suggestions(scene, make):
    make.person("张晓明")
    services.group_close(group=scene.group, reason="released", closed_by=scene.coordinator)
    scene.group.refresh_from_db()
    assert suggestions_for_group(scene.group) == {kind: [] for kind in KINDS}


def test_another_provinces_group_never_sees_these_people(scene, make, regions):
    make.person("张晓明")
    other = services.group_create(
        data=group_data(regions, judicial_office=regions["510107001"], approved_regions=[]),
        created_by=factories.coordinator(regions["510107"]),
    )
    assert suggestions_for_group(other) == {kind: [] for kind in KINDS}
