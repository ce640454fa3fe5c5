"""candidate_refusal re-reads one candidate now and says, in words, why it may not be accepted;
lock_candidate locks the row that guards the candidate's capacity."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from groups import services
from groups.models import CorrectionGroup, MatchDecline
from matching.suggest import candidate_refusal, lock_candidate
from partners.models import JobPlacement, Programme, Referral
from tests.groups.conftest import group_data
from volunteers.models import VolunteerProfile


def test_a_fitting_person_and_posting_are_not_refused(scene, make):
    person = make.person("张晓明")
    job = make.job()
    programme = make.programme()
    assert candidate_refusal(scene.group, "volunteer", person.pk) is None
    assert candidate_refusal(scene.group, "job", job.pk) is None
    assert candidate_refusal(scene.group, "programme", programme.pk) is None


def test_people_refused_with_the_reason(scene, make, regions):
    suspended = make.person("停用", status="suspended")
    pending = make.person("待审", status="submitted")
    far = make.person("越秀", regions=("440104",))
    full = make.person("满员", max_groups=1)
    other = services.group_create(data=group_data(regions), created_by=scene.coordinator)
    services.member_add(group=other, user=full, role="volunteer", added_by=scene.coordinator)
    cases = {
        suspended: "已被暂停",
        pending: "尚未通过审核",
        far: "不在其服务区域内",
        full: "已达到可参与小组的上限",
    }
    for person, words in cases.items():
        assert candidate_refusal(scene.group, "volunteer", person.pk) == words


def test_juvenile_member_and_declined_people_are_refused(scene, make):
    plain = make.person("未审核")
    member = make.person("组员")
    declined = make.person("已婉拒")
    services.member_add(group=scene.group, user=member, role="volunteer",
                        added_by=scene.coordinator)  # fmt: skip
    MatchDecline.objects.create(group=scene.group, candidate_kind="volunteer",
                                candidate_id=declined.pk, reason="时间不合适")  # fmt: skip
    CorrectionGroup.objects.filter(pk=scene.group.pk).update(is_juvenile=True)
    assert candidate_refusal(scene.group, "volunteer", plain.pk) == "未获准为未成年人提供服务"
    VolunteerProfile.objects.filter(user=member).update(cleared_for_juveniles=True)
    VolunteerProfile.objects.filter(user=declined).update(cleared_for_juveniles=True)
    assert candidate_refusal(scene.group, "volunteer", member.pk) == "已在本小组或已被本小组婉拒"
    assert candidate_refusal(scene.group, "volunteer", declined.pk) == "已在本小组或已被本小组婉拒"


def test_unknown_or_mismatched_candidates_are_refused(scene, make):
    worker = make.person("社工", kind="social_worker")
    assert candidate_refusal(scene.group, "volunteer", worker.pk) == "没有这位志愿者或社工"
    assert candidate_refusal(scene.group, "volunteer", 999999) == "没有这位志愿者或社工"
    assert candidate_refusal(scene.group, "job", 999999) == "没有这个岗位或项目"
    assert candidate_refusal(scene.group, "dragon", 1) == "未知的推荐类型"


def test_postings_refused_with_the_reason(scene, make, regions):
    closed = make.job("已关闭", status="closed")
    far = make.job("越秀", places=("440104",))
    forbidden = make.job("娱乐", industry="R")
    excluded = make.job("驾驶", excluded=("dangerous_driving",))
    full = make.job("满员", positions=1)
    other = services.group_create(data=group_data(regions), created_by=scene.coordinator)
    Referral.objects.create(group=other, job=full, organisation=full.organisation,
                            respond_by=timezone.now() + timedelta(days=7))  # fmt: skip
    unverified = make.job("未认证", organisation=make.organisation("新公司", status="pending"))
    assert candidate_refusal(scene.group, "job", closed.pk) == "已停止招聘"
    assert candidate_refusal(scene.group, "job", full.pk) == "名额已满"
    assert candidate_refusal(scene.group, "job", unverified.pk) == "所属单位尚未认证"
    assert "执行地" in candidate_refusal(scene.group, "job", far.pk)
    assert "禁止令" in candidate_refusal(scene.group, "job", forbidden.pk)
    assert "罪名" in candidate_refusal(scene.group, "job", excluded.pk)


def test_a_posting_already_referred_or_declined_is_refused(scene, make):
    referred = make.programme()
    Referral.objects.create(group=scene.group, programme=referred,
                            organisation=referred.organisation,
                            respond_by=timezone.now() + timedelta(days=7))  # fmt: skip
    assert candidate_refusal(scene.group, "programme", referred.pk) == "已为本小组转介或被婉拒"


def test_a_closed_group_refuses_everyone(scene, make):
    person = make.person("张晓明")
    services.group_close(group=scene.group, reason="released", closed_by=scene.coordinator)
    assert candidate_refusal(scene.group, "volunteer", person.pk) == "小组已结案"


def test_refusals_are_translated_to_english(scene, make):
    person = make.person("停用", status="suspended")
    with translation.override("en"):
        assert candidate_refusal(scene.group, "volunteer", person.pk) == "suspended"
        assert candidate_refusal(scene.group, "job", 999999) == "no such job or programme"


def test_lock_candidate_returns_the_guarding_row(scene, make):
    person = make.person("张晓明")
    job, programme = make.job(), make.programme()
    with transaction.atomic():
        assert lock_candidate("volunteer", person.pk) == person.volunteer_profile
        assert lock_candidate("social_worker", person.pk) == person.volunteer_profile
        assert isinstance(lock_candidate("job", job.pk), JobPlacement)
        assert isinstance(lock_candidate("programme", programme.pk), Programme)
        assert lock_candidate("job", 999999) is None
        assert lock_candidate("dragon", 1) is None
