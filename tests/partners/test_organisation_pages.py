"""Partner pages beside the main ones: an organisation's public page, uploading a new licence,
accepting an invitation, opening and closing a posting, and the referral list; each with who
may and who may not."""

import pytest
from django.urls import reverse

from partners import services
from partners.models import JobPlacement, OrganisationMember
from portal.models import AuditEvent
from tests import factories
from tests.partners import factories as pf

PEOPLE = ("owner", "member", "outsider", "coordinator", "other_coordinator", "lead", "anonymous")


@pytest.mark.parametrize("person", PEOPLE)
def test_a_verified_organisations_page_is_public(world, client_for, person):
    response = client_for(getattr(world, person)).get(
        reverse("partners:organisation", args=[world.organisation.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "广州粤新制造有限公司" in page and "数控车床操作工" in page


def test_an_unverified_organisation_has_no_public_page(world, client_for):
    pending = pf.organisation(world.outsider, verified=False, name="广州未审企业有限公司")
    url = reverse("partners:organisation", args=[pending.pk])
    for person in ("outsider", "anonymous", "coordinator"):
        assert client_for(getattr(world, person)).get(url).status_code == 404


def test_a_member_uploads_a_new_licence(world, client_for):
    url = reverse("partners:licence_upload", args=[world.organisation.pk])
    image = pf.licence(pf.PNG, name="营业执照.png", content_type="image/png")
    response = client_for(world.member).post(url, {"licence": image})
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:manage", args=[world.organisation.pk])
    world.organisation.refresh_from_db()
    assert world.organisation.licence_content_type == "image/png"
    assert AuditEvent.objects.filter(
        action="organisation.licence_uploaded", actor=world.member
    ).exists()


def test_a_licence_that_is_not_an_image_or_pdf_is_refused(world, client_for):
    url = reverse("partners:licence_upload", args=[world.organisation.pk])
    bad = pf.licence(pf.EXE, name="营业执照.pdf")
    response = client_for(world.owner).post(url, {"licence": bad})
    assert response.status_code == 400 and response.context["licence_form"].errors
    world.organisation.refresh_from_db()
    assert world.organisation.licence_content_type == "application/pdf"


@pytest.mark.parametrize(
    ("person", "status"),
    [("outsider", 404), ("coordinator", 404), ("lead", 404), ("anonymous", 302)],
)
def test_nobody_outside_the_organisation_uploads_its_licence(world, client_for, person, status):
    url = reverse("partners:licence_upload", args=[world.organisation.pk])
    image = pf.licence(pf.PNG, name="伪造.png", content_type="image/png")
    assert client_for(getattr(world, person)).post(url, {"licence": image}).status_code == status
    assert client_for(world.owner).get(url).status_code == 405
    assert not AuditEvent.objects.filter(action="organisation.licence_uploaded").exists()


@pytest.fixture
def invitee(world):
    person = factories.PartnerMemberFactory(display_name="孙会计", email="sun@yuexin.example.cn")
    invitation = services.invitation_create(
        organisation=world.organisation, email=person.email, invited_by=world.owner
    )
    return person, reverse("partners:invitation", args=[invitation.token])


def test_the_invited_person_joins_through_the_link(world, client_for, invitee):
    person, url = invitee
    client = client_for(person)
    page = client.get(url).content.decode()
    assert "广州粤新制造有限公司" in page and "sun@yuexin.example.cn" in page
    response = client.post(url, follow=True)
    assert response.redirect_chain == [
        (reverse("partners:manage", args=[world.organisation.pk]), 302)
    ]
    assert "欢迎加入广州粤新制造有限公司。" in response.content.decode()
    assert OrganisationMember.objects.filter(
        organisation=world.organisation, user=person, left_at__isnull=True
    ).exists()
    # The link works once.
    response = client_for(person).post(url, follow=True)
    assert "该邀请已过期或已被使用。" in response.content.decode()


@pytest.mark.parametrize(
    ("person", "refusal"),
    [
        ("outsider", "该邀请发送给了另一个邮箱地址。"),
        ("volunteer", "只有以合作单位成员身份注册的账号才能进行此操作。"),
    ],
)
def test_someone_else_cannot_use_the_link(world, client_for, invitee, person, refusal):
    _, url = invitee
    user = getattr(world, person)
    response = client_for(user).post(url)
    assert response.status_code == 200 and refusal in response.content.decode()
    assert not OrganisationMember.objects.filter(
        organisation=world.organisation, user=user
    ).exists()


def test_the_link_needs_a_login_and_a_real_token(world, client_for, invitee):
    _, url = invitee
    assert client_for(None).get(url).status_code == 302
    fake = reverse("partners:invitation", args=["no-such-token-0000"])
    assert client_for(world.outsider).get(fake).status_code == 404
    # A token no link ever carries (not URL-safe base64) matches no page at all.
    assert client_for(world.outsider).get("/partners/invitations/不存在的令牌/").status_code == 404


def test_a_member_closes_a_posting_and_opens_it_again(world, client_for):
    url = reverse("partners:posting_status", args=["job", world.job.pk])
    client = client_for(world.member)
    response = client.post(url, {"status": "closed"}, follow=True)
    assert response.redirect_chain == [(reverse("partners:job", args=[world.job.pk]), 302)]
    assert "状态已改为" in response.content.decode()
    world.job.refresh_from_db()
    assert world.job.status == JobPlacement.Status.CLOSED
    client.post(url, {"status": "open"})
    world.job.refresh_from_db()
    assert world.job.status == JobPlacement.Status.OPEN


def test_a_move_the_posting_cannot_make_is_refused_in_words(world, client_for):
    url = reverse("partners:posting_status", args=["job", world.job.pk])
    response = client_for(world.owner).post(url, {"status": "draft"}, follow=True)
    assert response.status_code == 200
    assert "不能改为" in response.content.decode()
    world.job.refresh_from_db()
    assert world.job.status == JobPlacement.Status.OPEN


@pytest.mark.parametrize(
    ("person", "status"),
    [("outsider", 404), ("coordinator", 404), ("lead", 404), ("anonymous", 302)],
)
def test_nobody_outside_the_organisation_changes_a_postings_status(
    world, client_for, person, status
):
    url = reverse("partners:posting_status", args=["job", world.job.pk])
    client = client_for(getattr(world, person))
    assert client.post(url, {"status": "closed"}).status_code == status
    assert client_for(world.owner).get(url).status_code == 405
    world.job.refresh_from_db()
    assert world.job.status == JobPlacement.Status.OPEN


@pytest.mark.parametrize(
    ("person", "listed"),
    [("owner", True), ("member", True), ("lead", True), ("coordinator", True),
     ("outsider", False), ("other_coordinator", False), ("volunteer", False)],
)  # fmt: skip
def test_the_referral_list_shows_each_side_its_own(world, referral, client_for, person, listed):
    response = client_for(getattr(world, person)).get(reverse("partners:referrals"))
    assert response.status_code == 200
    assert (world.group.code in response.content.decode()) == listed


def test_the_referral_list_needs_a_login(world, client_for):
    response = client_for(None).get(reverse("partners:referrals"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
