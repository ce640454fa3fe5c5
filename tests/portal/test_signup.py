"""Sign-up through allauth: the account kind is recorded, bad input changes nothing."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.models import AccountKind, AuditEvent, User
from tests.factories import VolunteerFactory

SIGNUP = "/accounts/signup/"
GOOD = {
    "kind": "social_worker",
    "display_name": "刘芳",
    "email": "liufang@example.cn",
    "mobile": "+86 139-0000-1234",
    "password1": "Shegong-Mima-2026!",
    "password2": "Shegong-Mima-2026!",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def errors_of(response):
    return response.context["form"].errors


def test_a_social_worker_signs_up_and_must_confirm_the_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves on commit
        response = client.post(SIGNUP, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="liufang@example.cn")
    assert (user.kind, user.display_name, user.mobile) == (
        AccountKind.SOCIAL_WORKER,
        "刘芳",
        "13900001234",
    )
    assert not user.emailaddress_set.get().verified
    assert AuditEvent.objects.filter(action="account.signed_up", actor=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liufang@example.cn"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    # Not confirmed yet: the password alone does not let them in.
    client.post("/accounts/login/", {"login": GOOD["email"], "password": GOOD["password1"]})
    assert client.get(reverse("portal:dashboard")).status_code == 302

    response = client.post(link.split("testserver", 1)[-1])
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1", "密码"),
        ({"mobile": "12345"}, "mobile", "手机号"),
        ({"mobile": "23800138000"}, "mobile", "手机号"),
        ({"kind": ""}, "kind", "账号类型"),
        ({"kind": "learner"}, "kind", "有效"),
        ({"kind": "staff"}, "kind", "有效"),
        ({"display_name": "   "}, "display_name", "必需"),
    ],
)
def test_bad_sign_up_input_gets_a_chinese_message_and_creates_nothing(
    client, db, change, field, message, django_capture_on_commit_callbacks
):
    VolunteerFactory(email="taken@example.cn")
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, {**GOOD, **change})
    assert response.status_code == 200
    assert field in errors_of(response)
    assert message in " ".join(errors_of(response)[field])
    assert User.objects.count() == users_before
    assert not mail.outbox


def test_a_taken_email_is_caught_whatever_its_case(client, db):
    """Caught without saying so (ACCOUNT_PREVENT_ENUMERATION, tests/portal/test_account_mail.py):
    the answer is the same as for a new address, and no second account is made."""
    VolunteerFactory(email="taken@example.cn")
    response = client.post(SIGNUP, {**GOOD, "email": "Taken@Example.CN"})
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_a_flood_of_sign_ups_from_one_address_is_stopped_with_a_translated_page(client, db):
    statuses = [
        client.post(SIGNUP, {**GOOD, "email": f"flood{i}@example.cn"}).status_code
        for i in range(25)
    ]
    assert statuses.count(302) == 20  # allauth's limit: 20 a minute per IP
    assert statuses[-1] == 429
    response = client.post(SIGNUP, {**GOOD, "email": "one-more@example.cn"})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert not User.objects.filter(email="one-more@example.cn").exists()


def test_the_kind_is_preselected_from_the_home_page_link(client, db):
    response = client.get(SIGNUP + "?kind=partner")
    assert response.context["form"]["kind"].value() == "partner"
    assert client.get(SIGNUP + "?kind=staff").context["form"]["kind"].value() is None


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, db, django_capture_on_commit_callbacks
):
    user = VolunteerFactory(email="reset@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "reset@example.cn"})
    assert response.status_code == 302
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    response = client.get(link.group(0).split("testserver", 1)[-1], follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(0)
    new = "Xin-Mima-2026!"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_login_with_a_wrong_password_says_so_in_chinese(client, db):
    VolunteerFactory(email="login@example.cn")
    response = client.post("/accounts/login/", {"login": "login@example.cn", "password": "wrong"})
    assert response.status_code == 200
    assert "不正确" in response.content.decode()
