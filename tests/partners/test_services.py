"""The partners services: each write audited; bad input refused with a translated reason and
nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from groups import services as group_services
from messaging.models import Notification
from partners import services
from partners.models import (
    FollowUp,
    JobPlacement,
    Organisation,
    OrganisationMember,
    Programme,
    Referral,
)
from portal.models import AuditEvent, Industry, Region
from tests import factories
from tests.mail import FailingBackend, retrying_like_a_worker
from tests.partners import factories as pf


def messages_of(error):
    return " ".join(error.value.messages)


# --- organisations ---------------------------------------------------------------------


def test_registering_makes_the_owner_and_asks_the_coordinator(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    owner = factories.PartnerMemberFactory()
    org = services.organisation_register(
        data=pf.organisation_data(), registered_by=owner, licence=pf.licence()
    )
    assert org.status == Organisation.Status.PENDING
    assert org.licence_content_type == "application/pdf"
    assert OrganisationMember.objects.get(organisation=org).role == "owner"
    assert AuditEvent.objects.filter(action="organisation.registered", object_id=str(org.pk))
    assert Notification.objects.filter(user=coordinator, kind="partners.verification_requested")


def test_the_licence_is_stored_privately_under_a_random_name(world, settings):
    name = world.organisation.licence.name
    assert name.startswith("licences/") and "营业执照" not in name
    assert world.organisation.licence.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    with pytest.raises(ValueError):
        world.organisation.licence.url  # noqa: B018


def test_only_partner_accounts_register(regions, reference_data):
    with pytest.raises(ValidationError):
        services.organisation_register(
            data=pf.organisation_data(), registered_by=factories.VolunteerFactory()
        )
    assert not Organisation.objects.exists()


def test_a_wrong_check_character_is_refused_by_the_form(regions, reference_data):
    from partners.forms import OrganisationForm

    data = pf.organisation_data(credit_code="91350100M000100Y44")
    data["region"] = data["region"].pk
    with translation.override("zh-hans"):
        form = OrganisationForm(data)
        assert not form.is_valid()
        assert "校验" in " ".join(form.errors["credit_code"])


def test_an_executable_renamed_to_pdf_is_refused_and_nothing_is_created(regions, reference_data):
    owner = factories.PartnerMemberFactory()
    with pytest.raises(ValidationError) as caught:
        services.organisation_register(
            data=pf.organisation_data(), registered_by=owner, licence=pf.licence(pf.EXE)
        )
    assert "licence" in caught.value.error_dict
    assert not Organisation.objects.exists()


def test_a_licence_over_the_size_limit_is_refused(world):
    big = pf.licence(pf.PDF + b"0" * (5 * 1024 * 1024))
    before = world.organisation.licence.name
    with pytest.raises(ValidationError, match="5 MB"):
        services.licence_upload(
            organisation=world.organisation, upload=big, uploaded_by=world.owner
        )
    world.organisation.refresh_from_db()
    assert world.organisation.licence.name == before


def test_a_duplicate_credit_code_is_refused(world):
    with pytest.raises(ValidationError):
        services.organisation_register(
            data=pf.organisation_data(credit_code=world.organisation.credit_code),
            registered_by=world.outsider,
        )


def test_rejection_needs_a_reason_and_a_new_licence_asks_again(world):
    org = world.organisation
    with pytest.raises(ValidationError):
        services.organisation_reject(organisation=org, reason=" ", rejected_by=world.coordinator)
    services.organisation_reject(organisation=org, reason="执照模糊", rejected_by=world.coordinator)
    assert Notification.objects.filter(user=world.owner, kind="partners.rejected")
    services.licence_upload(
        organisation=org,
        upload=pf.licence(pf.PNG, "执照.png", "image/png"),
        uploaded_by=world.owner,
    )
    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING
    assert org.licence_content_type == "image/png"


def test_invitations_are_for_the_address_they_were_sent_to(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=world.organisation, email="New.Person@example.cn", invited_by=world.owner
        )
    assert len(mailoutbox) == 1 and invitation.token in mailoutbox[0].body
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=world.outsider)
    newcomer = factories.PartnerMemberFactory(email="new.person@example.cn")
    services.invitation_accept(invitation=invitation, user=newcomer)
    assert world.organisation.members.filter(user=newcomer, left_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=newcomer)


def test_an_invitation_reaches_the_invitee_when_the_mail_server_fails_once(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """The mail server hangs up on the first try: the invitation is tried again, not lost."""
    settings.EMAIL_BACKEND = "tests.mail.FailingBackend"
    FailingBackend.failures = 1
    with retrying_like_a_worker(), django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=world.organisation, email="li.na@example.cn", invited_by=world.owner
        )
    assert FailingBackend.failures == 0
    assert [m.to for m in mailoutbox] == [["li.na@example.cn"]]
    assert invitation.token in mailoutbox[0].body


def test_join_requests_once_and_leaving(world):
    services.join_request_create(organisation=world.organisation, user=world.outsider)
    with pytest.raises(ValidationError):
        services.join_request_create(organisation=world.organisation, user=world.outsider)
    membership = world.organisation.members.get(user=world.member, left_at__isnull=True)
    services.member_leave(membership=membership, left_by=world.member)
    owner = world.organisation.members.get(user=world.owner)
    services.member_leave(membership=owner, left_by=world.owner)  # nobody else left: may go
    assert not world.organisation.members.filter(left_at__isnull=True).exists()


def test_a_member_who_ends_their_account_leaves_the_organisation_kept_as_history(
    world, django_capture_on_commit_callbacks, client_for
):
    from volunteers.services import account_delete

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=world.member)
    membership = world.organisation.members.get(user=world.member)
    assert membership.left_at is not None  # ended, not deleted
    assert not world.organisation.members.filter(user=world.member, left_at__isnull=True).exists()
    page = client_for(world.owner).get(f"/partners/organisations/{world.organisation.pk}/manage/")
    assert page.status_code == 200
    assert "周助理" not in page.content.decode() and "已注销用户" not in page.content.decode()


def test_the_only_owner_cannot_leave_members_behind(world):
    owner = world.organisation.members.get(user=world.owner)
    with pytest.raises(ValidationError):
        services.member_leave(membership=owner, left_by=world.owner)


# --- postings ------------------------------------------------------------------------------


def test_the_description_is_sanitised(world):
    assert "<script>" not in world.job.description
    assert "<b>数控车床</b>" in world.job.description


def test_plain_text_becomes_paragraphs(world):
    job = pf.job(world.organisation, world.owner, description="第一段\n\n第二段<不是标签")
    assert job.description.startswith("<p>第一段</p>")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"salary_min": 8000, "salary_max": 5000}, "salary_max"),
        ({"closes_on": timezone.localdate() - timedelta(days=1)}, "closes_on"),
        ({"work_locations": []}, "work_locations"),
    ],
)
def test_bad_job_input_is_refused_and_nothing_is_created(world, changes, field):
    before = JobPlacement.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        pf.job(world.organisation, world.owner, **changes)
    assert field in caught.value.error_dict
    assert all(m and m.isascii() is False for m in caught.value.messages)  # translated
    assert JobPlacement.objects.count() == before


def test_an_unverified_organisation_cannot_publish(world):
    org = pf.organisation(world.outsider, verified=False)
    with pytest.raises(ValidationError):
        pf.job(org, world.outsider)
    draft = pf.job(org, world.outsider, publish=False)
    with pytest.raises(ValidationError):
        services.posting_set_status(posting=draft, status="open", changed_by=world.outsider)
    assert draft.status == "draft"


def test_posting_status_moves(world):
    services.posting_set_status(posting=world.job, status="filled", changed_by=world.owner)
    services.posting_set_status(posting=world.job, status="open", changed_by=world.owner)
    with pytest.raises(ValidationError):
        services.posting_set_status(posting=world.job, status="draft", changed_by=world.owner)


def test_programmes_share_the_job_pattern(world):
    programme = pf.programme(world.organisation, world.owner)
    assert programme.status == "open"
    with pytest.raises(ValidationError):
        pf.programme(world.organisation, world.owner, regions=[])
    assert Programme.objects.count() == 1


# --- referrals ----------------------------------------------------------------------------


def test_a_referral_shares_only_the_chosen_facts_and_tells_the_organisation(world, referral):
    assert referral.status == Referral.Status.REFERRED
    assert referral.organisation == world.organisation
    assert set(referral.shared) == {"skills", "availability", "experience"}
    assert referral.respond_by - referral.referred_at == timedelta(days=7)
    assert Notification.objects.filter(user=world.member, kind="referral.new").exists()
    assert AuditEvent.objects.filter(action="referral.referred", object_id=str(referral.pk))


def test_identity_in_shared_facts_is_refused(world):
    with pytest.raises(ValidationError):
        services.referral_create(
            group=world.group, posting=world.job,
            shared={"experience": "电话13912345678"}, referred_by=world.lead,
        )  # fmt: skip
    assert not Referral.objects.exists()


@pytest.mark.parametrize("person", ["other_coordinator", "owner", "volunteer"])
def test_only_the_lead_or_a_coordinator_of_the_region_refers(world, person):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.referral_create(
            group=world.group, posting=world.job, shared={}, referred_by=getattr(world, person)
        )
    assert "组长" in " ".join(refused.value.messages)
    assert not Referral.objects.exists()


def test_a_coordinator_of_the_region_refers(world):
    referral = services.referral_create(
        group=world.group, posting=world.job, shared={}, referred_by=world.coordinator
    )
    assert referral.referred_by == world.coordinator


def _refuse(world, posting=None):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.referral_create(
            group=world.group, posting=posting or world.job, shared={}, referred_by=world.lead
        )
    return messages_of(caught)


def test_a_job_outside_the_execution_area_is_refused_in_words(world):
    job = pf.job(
        world.organisation, world.owner, work_locations=[Region.objects.get(code="440104")]
    )
    assert "执行地" in _refuse(world, job) or "越秀区" in _refuse(world, job)
    assert not Referral.objects.exists()


def test_a_forbidden_industry_is_refused(world):
    job = pf.job(world.organisation, world.owner, industry=Industry.objects.get(code="G"))
    assert "交通运输" in _refuse(world, job)


def test_an_excluded_offence_is_refused(world):
    job = pf.job(
        world.organisation, world.owner, excluded_offences=[pf.offence("dangerous_driving")]
    )
    assert "危险驾驶" in _refuse(world, job)


def test_a_closed_posting_is_refused(world):
    services.posting_set_status(posting=world.job, status="closed", changed_by=world.owner)
    _refuse(world)
    assert not Referral.objects.exists()


def test_a_closed_group_is_refused(world):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    _refuse(world)
    assert not Referral.objects.exists()


def test_the_same_group_twice_to_one_posting_is_refused(world, referral):
    message = _refuse(world)
    assert world.group.code in message
    assert Referral.objects.count() == 1


def test_after_a_withdrawal_the_group_may_be_referred_again(world, referral):
    services.referral_move(
        referral=referral, status="withdrawn", moved_by=world.lead, as_organisation=False
    )
    services.referral_create(
        group=world.group, posting=world.job, shared={}, referred_by=world.lead
    )
    assert Referral.objects.count() == 2


def test_the_pipeline_to_hired_schedules_follow_ups(world, referral):
    services.referral_mark_viewed(referral=referral, viewed_by=world.member)
    for status in ("interview", "offered", "hired"):
        services.referral_move(
            referral=referral, status=status, moved_by=world.owner, as_organisation=True
        )
    referral.refresh_from_db()
    assert referral.status == "hired" and referral.responded_at
    assert [f.days for f in referral.follow_ups.all()] == [30, 90]
    assert referral.follow_ups.first().due_on == timezone.localdate() + timedelta(days=30)
    actions = set(
        AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {"referral.referred", "referral.viewed", "referral.interview", "referral.offered",
            "referral.hired"} <= actions  # fmt: skip
    assert Notification.objects.filter(user=world.lead, kind="referral.step").count() == 4
    assert Notification.objects.filter(user=world.coordinator, kind="referral.step").exists()


def test_steps_cannot_be_skipped_or_made_by_the_wrong_side(world, referral):
    with pytest.raises(ValidationError):
        services.referral_move(
            referral=referral, status="hired", moved_by=world.owner, as_organisation=True
        )
    with pytest.raises(ValidationError):
        services.referral_move(
            referral=referral, status="offered", moved_by=world.lead, as_organisation=False
        )
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_a_follow_up_is_recorded_only_when_due(world, referral):
    for status in ("offered", "hired"):
        services.referral_move(
            referral=referral, status=status, moved_by=world.owner, as_organisation=True
        )
    check = FollowUp.objects.get(referral=referral, days=30)
    with pytest.raises(ValidationError):
        services.follow_up_record(
            follow_up=check, outcome="employed", note="", recorded_by=world.lead
        )
    FollowUp.objects.filter(pk=check.pk).update(due_on=timezone.localdate())
    check.refresh_from_db()
    services.follow_up_record(
        follow_up=check, outcome="employed", note="表现稳定", recorded_by=world.lead
    )
    check.refresh_from_db()
    assert check.outcome == "employed"
    assert AuditEvent.objects.filter(action="referral.follow_up").exists()


def test_the_database_refuses_a_second_live_referral_too(world, referral):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            group=world.group, job=world.job, organisation=world.organisation,
            respond_by=timezone.now(),
        )  # fmt: skip
