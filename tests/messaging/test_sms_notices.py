"""Urgent and deadline notices by SMS (messaging.sms_notices): each kind reaches the phone only of
someone who chose it on a verified number, says nothing about a learner or a group, and the
choice is made on the notification settings page, by the person only, on a verified number only."""

import re
import subprocess

import pytest
from django.urls import reverse

from messaging import services, sms_notices
from messaging.models import NotificationSetting
from portal.models import Region, User
from tests import factories
from tests.servers import ROOT

LOGIN = 302
SIGNATURE = "【社区矫正社会力量协同平台】"


def phone_of(user, mobile, *, verified=True, chosen=True, active=True):
    User.objects.filter(pk=user.pk).update(
        mobile=mobile, mobile_verified=verified, sms_notices=chosen, is_active=active
    )
    user.refresh_from_db()
    return user


@pytest.fixture
def phones(world):
    """Four people of the group's side: only the lead both chose SMS notices and verified the
    number; the others each lack one of the conditions."""
    return {
        "chose_and_verified": phone_of(world.lead, "13800000001"),
        "chose_unverified": phone_of(world.social_worker, "13800000002", verified=False),
        "verified_did_not_choose": phone_of(world.volunteer, "13800000003", chosen=False),
        "chose_but_left": phone_of(world.partner, "13800000004", active=False),
    }


@pytest.mark.parametrize("kind", sorted(sms_notices.TEXTS))
def test_each_urgent_kind_reaches_only_a_verified_number_that_chose_it_and_names_no_one(
    world, phones, kind, sms_outbox, django_capture_on_commit_callbacks
):
    # Titles and bodies as the apps write them: the group's code and a learner's name in them.
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[*phones.values(), world.coordinator],
            kind=kind,
            title=f"请回复小组 {world.group.code} 的转介",
            body=f"{world.learner.display_name}：明天 09:00 天河区司法局三楼会议室",
        )
    [message] = sms_outbox
    assert message.phone == "13800000001"
    assert message.text.startswith(SIGNATURE)
    assert message.text.endswith(("请登录平台查看。", "请登录平台跟进。"))
    assert world.group.code not in message.text
    assert world.learner.display_name not in message.text and "学员" not in message.text
    assert "会议室" not in message.text
    assert len(message.text) <= 70  # one SMS segment of Chinese text


def test_other_kinds_stay_in_the_portal(
    world, phones, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[world.lead], kind="message.new", title="新消息")
        services.notify(recipients=[world.lead], kind="referral.step", title="转介有新进展")
    assert sms_outbox == []


def test_a_notice_rolled_back_sends_no_sms(
    world, phones, sms_outbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[world.lead], kind="referral.reminder", title="转介")
        raise RuntimeError("the action failed after the notice")
    assert sms_outbox == []


def test_the_sms_rule_costs_one_query_however_many_recipients(
    world, phones, django_assert_max_num_queries
):
    many = [factories.VolunteerFactory(display_name=f"志愿者{i}") for i in range(30)]
    for i, user in enumerate(many):
        phone_of(user, f"1370000{i:04d}")
    with django_assert_max_num_queries(1):
        assert sms_notices.send_for(kind="vetting.decision", user_ids=[world.lead.pk]) == 1
    with django_assert_max_num_queries(1):
        assert sms_notices.send_for(kind="vetting.decision", user_ids=[u.pk for u in many]) == 30
    with django_assert_max_num_queries(0):
        assert sms_notices.send_for(kind="message.new", user_ids=[u.pk for u in many]) == 0


def test_a_vetting_decision_goes_by_sms_through_the_volunteers_app(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    from volunteers.models import VolunteerProfile
    from volunteers.services.vetting import profile_decide

    applicant = phone_of(factories.VolunteerFactory(display_name="孙丽"), "13800000009")
    profile = VolunteerProfile.objects.create(
        user=applicant, kind=applicant.kind, status=VolunteerProfile.Status.SUBMITTED,
        real_name="孙丽", max_groups=2,
    )  # fmt: skip
    profile.regions.set(Region.objects.filter(code="440106"))
    with django_capture_on_commit_callbacks(execute=True):
        profile_decide(
            profile=profile,
            decision="reject",
            reason="无犯罪记录证明不清晰",
            decided_by=world.coordinator,
        )
    assert [(m.phone, m.text) for m in sms_outbox] == [
        ("13800000009", f"{SIGNATURE}您的志愿者申请已有审核结果，请登录平台查看。")
    ]


def test_every_sms_kind_is_one_the_apps_really_send():
    """A kind renamed in its app would silently stop its SMS: each kind here is written, as a
    literal, where the apps call notify."""
    for kind in sms_notices.TEXTS:
        found = subprocess.run(
            ["grep", "-rlF", "--include=*.py", f'kind="{kind}"', "alerts", "curriculum",
             "partners", "volunteers", "groups", "matching"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout  # fmt: skip
        assert found, f"no app sends notices of kind {kind!r}"


def test_the_texts_are_translated_for_every_kind():
    for kind in sms_notices.TEXTS:
        text = sms_notices.text(kind)
        assert text.startswith(SIGNATURE)
        assert re.search(r"[\u4e00-\u9fff]{8}", text), text
        assert not re.search(r"[A-Za-z]", text), text
        assert "你" not in text


# --- the settings page -----------------------------------------------------------------------


def test_the_owner_turns_sms_notices_on_and_off(world, client_for):
    owner = phone_of(world.volunteer, "13800000003", chosen=False)
    client = client_for(owner)
    listing = client.get(reverse("messaging:notifications")).content.decode()
    assert "邮件和短信设置" in listing  # where a person finds the choice
    page = client.get(reverse("messaging:settings")).content.decode()
    assert "13800000003" in page and 'name="sms_notices"' in page
    assert "disabled" not in re.search(r"<input[^>]*sms_notices[^>]*>", page).group(0)

    response = client.post(
        reverse("messaging:settings"), {"digest_delay": "60", "sms_notices": "on"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.sms_notices is True

    client.post(reverse("messaging:settings"), {"digest_delay": "60"})
    owner.refresh_from_db()
    assert owner.sms_notices is False


def test_others_cannot_change_the_owners_choice(world, client_for):
    owner = phone_of(world.volunteer, "13800000003", chosen=True)
    outsider = phone_of(world.outsider, "13800000005", chosen=False)
    client_for(outsider).post(reverse("messaging:settings"), {"digest_delay": "15"})
    anonymous = client_for(None).post(
        reverse("messaging:settings"), {"digest_delay": "15", "sms_notices": ""}
    )
    assert anonymous.status_code == LOGIN
    owner.refresh_from_db()
    assert owner.sms_notices is True
    assert not NotificationSetting.objects.filter(user=owner).exists()
    assert NotificationSetting.objects.get(user=outsider).digest_delay == 15


@pytest.mark.parametrize("verified", [False, None], ids=["unverified", "no number"])
def test_without_a_verified_number_the_choice_is_refused_with_a_message(
    world, client_for, verified
):
    owner = phone_of(world.volunteer, "13800000003" if verified is False else "", verified=False,
                     chosen=False)  # fmt: skip
    client = client_for(owner)
    page = client.get(reverse("messaging:settings")).content.decode()
    assert "disabled" in re.search(r"<input[^>]*sms_notices[^>]*>", page).group(0)
    assert "请先在账户中验证手机号码" in page

    response = client.post(
        reverse("messaging:settings"), {"digest_delay": "15", "sms_notices": "on"}
    )
    assert response.status_code == 200
    assert "请先验证您的手机号码，才能选择短信通知。" in response.content.decode()
    owner.refresh_from_db()
    assert owner.sms_notices is False
    assert not NotificationSetting.objects.filter(user=owner).exists()  # nothing saved


def test_the_settings_page_costs_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(phone_of(world.volunteer, "13800000003"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("messaging:settings")).status_code == 200
