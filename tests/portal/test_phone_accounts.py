"""Accounts with a mobile number (allauth's phone support on User.mobile): sign up, verify, log
in with a password or a code, reset a password by code; one number, one account; nothing tells
a stranger whether a number is registered; people without an e-mail address use the portal and
no mail path trips over them; e-mail sign-up is unchanged."""

import re
import time

import pytest
from allauth.account.internal.flows import code_verification
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal import mail as portal_mail
from portal import services
from portal.models import AccountKind, AuditEvent, User
from tests.factories import PASSWORD, VolunteerFactory

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
VERIFY = reverse("account_verify_phone")
DASHBOARD = reverse("portal:dashboard")
RESET = reverse("portal_reset_password_by_phone")
RESET_CONFIRM = reverse("portal_reset_password_by_phone_confirm")
PHONE = "13800138000"
NEW_PASSWORD = "Zhiyuan-Mima-2026!"
VOLUNTEER = {
    "kind": "volunteer",
    "display_name": "王小红",
    "email": "",
    "mobile": "138 0013 8000",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}
CODE = re.compile(r"验证码是\s*(\d{6})")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def code_in(message) -> str:
    return CODE.search(message.text).group(1)


def sign_up(client, **change):
    return client.post(SIGNUP, {**VOLUNTEER, **change})


def phone_user(*, verified=True, phone=PHONE, kind=AccountKind.VOLUNTEER):
    user = User.objects.create_user(
        None, PASSWORD, display_name="赵志愿", kind=kind, mobile=phone, mobile_verified=verified
    )
    return user


def later(monkeypatch, seconds):
    """Move allauth's clock (codes' age) on, as if the person waited."""
    real = time.time
    monkeypatch.setattr(code_verification.time, "time", lambda: real() + seconds)


# -- Sign-up and verification ------------------------------------------------------------


def test_a_volunteer_signs_up_with_a_phone_alone_and_verifies_it_by_sms(client, db, sms_outbox):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == VERIFY

    user = User.objects.get(mobile=PHONE)
    assert (user.email, user.mobile_verified, user.kind) == (None, False, AccountKind.VOLUNTEER)
    assert AuditEvent.objects.filter(action="account.signed_up", actor=user).exists()
    assert [m.phone for m in sms_outbox] == [PHONE]
    assert "【社区矫正社会力量协同平台】" in sms_outbox[0].text and "10分钟" in sms_outbox[0].text
    assert len(mail.outbox) == 0
    # Not in yet: the number is not proven.
    assert client.get(DASHBOARD).status_code == 302

    page = client.get(VERIFY)
    assert page.status_code == 200 and "验证码" in page.content.decode()

    response = client.post(VERIFY, {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.mobile_verified
    assert client.get(DASHBOARD).status_code == 200


def test_a_partner_member_may_sign_up_without_e_mail_but_a_social_worker_may_not(client, db):
    assert sign_up(client, kind="partner").status_code == 302
    assert User.objects.get(mobile=PHONE).kind == AccountKind.PARTNER

    response = sign_up(client.__class__(), kind="social_worker", mobile="13900001111")
    assert response.status_code == 200
    assert "社会工作者" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.filter(mobile="13900001111").exists()


def test_neither_e_mail_nor_phone_is_refused_in_chinese(client, db, sms_outbox):
    response = sign_up(client, mobile="")
    assert response.status_code == 200
    assert "电子邮箱或手机号" in " ".join(response.context["form"].non_field_errors())
    assert User.objects.count() == 0 and sms_outbox == []


def test_a_wrong_code_is_refused_in_chinese_and_changes_nothing(client, db, sms_outbox):
    sign_up(client)
    wrong = "000000" if code_in(sms_outbox[0]) != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in " ".join(response.context["form"].errors["code"])
    assert not User.objects.get(mobile=PHONE).mobile_verified
    assert client.get(DASHBOARD).status_code == 302


def test_an_expired_code_is_refused_and_changes_nothing(client, db, sms_outbox, monkeypatch):
    sign_up(client)
    later(monkeypatch, 11 * 60)  # codes live 10 minutes
    response = client.post(VERIFY, {"code": code_in(sms_outbox[0])}, follow=True)
    assert not User.objects.get(mobile=PHONE).mobile_verified
    assert client.get(DASHBOARD).status_code == 302
    # Back on the login page, told in Chinese.
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "过期" in response.content.decode()


def test_a_taken_number_looks_exactly_like_a_new_one(client, db, sms_outbox):
    owner = phone_user()
    taken = sign_up(client, display_name="冒名者")
    taken_page = client.get(VERIFY)

    other = client.__class__()
    cache.clear()
    fresh = sign_up(other, mobile="13912345678")
    fresh_page = other.get(VERIFY)

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert taken_page.status_code == fresh_page.status_code == 200
    taken_text = taken_page.content.decode().replace(PHONE, "X")
    fresh_text = fresh_page.content.decode().replace("13912345678", "X")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", taken_text) == strip.sub("", fresh_text)

    assert User.objects.filter(mobile=PHONE).get() == owner  # no second account
    # The owner is told someone tried; no code goes to them, so no code can open the page.
    to_owner = [m for m in sms_outbox if m.phone == PHONE]
    assert len(to_owner) == 1 and "已有账号" in to_owner[0].text
    assert not CODE.search(to_owner[0].text)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200 and not client.session.get("_auth_user_id")


def test_sign_up_codes_are_rate_limited_per_number(client, db, sms_outbox):
    sign_up(client)
    User.objects.filter(mobile=PHONE).delete()
    again = client.__class__()
    response = again.post(SIGNUP, VOLUNTEER)
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert len(sms_outbox) == 1


# -- Log-in -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [PHONE, "+86 138-0013-8000"])
def test_a_verified_number_and_its_password_log_in(client, db, typed):
    phone_user()
    response = client.post(LOGIN, {"login": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_password_on_a_number_is_refused_in_chinese(client, db):
    phone_user()
    response = client.post(LOGIN, {"login": PHONE, "password": "错误的密码"})
    assert response.status_code == 200
    assert "手机号" in " ".join(response.context["form"].non_field_errors())
    assert client.get(DASHBOARD).status_code == 302


def test_an_unverified_phone_first_account_verifies_at_log_in(client, db, sms_outbox):
    user = phone_user(verified=False)
    response = client.post(LOGIN, {"login": PHONE, "password": PASSWORD})
    assert response["Location"] == VERIFY
    assert client.get(DASHBOARD).status_code == 302
    client.post(VERIFY, {"code": code_in(sms_outbox[-1])})
    user.refresh_from_db()
    assert user.mobile_verified and client.get(DASHBOARD).status_code == 200


def test_an_e_mail_accounts_unverified_number_is_no_way_in(client, db):
    VolunteerFactory(mobile=PHONE)
    response = client.post(LOGIN, {"login": PHONE, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get(DASHBOARD).status_code == 302


def test_log_in_by_sms_code(client, db, sms_outbox):
    phone_user()
    response = client.post(reverse("account_request_login_code"), {"phone": PHONE})
    assert response.status_code == 302
    assert [m.phone for m in sms_outbox] == [PHONE]
    response = client.post(reverse("account_confirm_login_code"), {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_log_in_codes_for_an_unknown_number_look_the_same_and_send_nothing(client, db, sms_outbox):
    phone_user()
    known = client.post(reverse("account_request_login_code"), {"phone": PHONE})
    stranger = client.__class__()
    unknown = stranger.post(reverse("account_request_login_code"), {"phone": "13700001111"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.phone for m in sms_outbox] == [PHONE]


def test_log_in_codes_are_rate_limited_per_number_in_chinese(client, db, sms_outbox):
    phone_user()
    for _ in range(3):
        client.__class__().post(reverse("account_request_login_code"), {"phone": PHONE})
    response = client.post(reverse("account_request_login_code"), {"phone": PHONE})
    assert response.status_code == 200
    assert "过多" in " ".join(response.context["form"].errors["phone"])
    assert len(sms_outbox) == 3


def test_an_e_mail_account_adds_and_verifies_a_number(client, db, sms_outbox):
    user = VolunteerFactory()
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    change = reverse("account_change_phone")
    assert client.get(change).status_code == 200
    response = client.post(change, {"phone": "139 0000 1234"})
    assert response["Location"] == VERIFY
    client.post(VERIFY, {"code": code_in(sms_outbox[-1])})
    user.refresh_from_db()
    assert (user.mobile, user.mobile_verified) == ("13900001234", True)


def test_adding_someone_elses_number_looks_the_same_and_changes_nothing(client, db, sms_outbox):
    owner = phone_user()
    user = VolunteerFactory()
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("account_change_phone"), {"phone": PHONE})
    assert response["Location"] == VERIFY
    # Its owner is told someone tried; no code goes out that could be typed.
    assert [m.phone for m in sms_outbox] == [PHONE] and "已有账号" in sms_outbox[0].text
    assert not CODE.search(sms_outbox[0].text)
    client.post(VERIFY, {"code": "123456"})
    user.refresh_from_db()
    assert (user.mobile, user.mobile_verified) == ("", False)
    assert User.objects.get(mobile=PHONE) == owner


def test_the_change_number_page_is_for_people_logged_in(client, db):
    response = client.get(reverse("account_change_phone"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# -- Password reset by code ---------------------------------------------------------------


def test_reset_by_sms_code(client, db, sms_outbox):
    user = phone_user()
    assert "短信" in client.get(reverse("account_reset_password")).content.decode()
    response = client.post(RESET, {"phone": "138 0013 8000"})
    assert response["Location"] == RESET_CONFIRM
    assert [m.phone for m in sms_outbox] == [PHONE]
    assert "重置" in sms_outbox[0].text
    response = client.post(
        RESET_CONFIRM,
        {"code": code_in(sms_outbox[0]), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("account_login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.post(LOGIN, {"login": PHONE, "password": NEW_PASSWORD})
    assert client.get(DASHBOARD).status_code == 200


def test_reset_with_a_wrong_code_changes_nothing_and_the_third_ends_it(client, db, sms_outbox):
    user = phone_user()
    client.post(RESET, {"phone": PHONE})
    bad = {"code": "abcdef", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for _ in range(2):
        response = client.post(RESET_CONFIRM, bad)
        assert response.status_code == 200
        assert "验证码不正确" in " ".join(response.context["form"].errors["code"])
    response = client.post(RESET_CONFIRM, bad, follow=True)
    assert response.redirect_chain[-1][0] == RESET
    assert "次数过多" in response.content.decode()
    # The right code no longer works either: the attempt is over.
    good = {**bad, "code": code_in(sms_outbox[0])}
    assert client.post(RESET_CONFIRM, good)["Location"] == RESET
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_with_an_expired_code_changes_nothing(client, db, sms_outbox, monkeypatch):
    user = phone_user()
    client.post(RESET, {"phone": PHONE})
    later(monkeypatch, 11 * 60)
    good = {"code": code_in(sms_outbox[0]), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(RESET_CONFIRM, good, follow=True)
    assert response.redirect_chain[-1][0] == RESET
    assert "已过期" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("registered", ["unknown", "unverified"])
def test_reset_for_an_unknown_or_unverified_number_looks_the_same_and_sends_nothing(
    client, db, sms_outbox, registered
):
    if registered == "unverified":
        phone_user(verified=False)
    response = client.post(RESET, {"phone": PHONE})
    assert response["Location"] == RESET_CONFIRM
    assert client.get(RESET_CONFIRM).status_code == 200
    assert sms_outbox == []
    response = client.post(RESET_CONFIRM, {"code": "", "password1": "x", "password2": "x"})
    assert response.status_code == 200


def test_reset_codes_are_rate_limited_per_number_in_chinese(client, db, sms_outbox):
    phone_user()
    for _ in range(3):
        client.__class__().post(RESET, {"phone": PHONE})
    response = client.post(RESET, {"phone": PHONE})
    assert response.status_code == 200
    assert "过多" in " ".join(response.context["form"].errors["phone"])
    assert len(sms_outbox) == 3


def test_the_reset_confirmation_page_needs_a_code_asked_for_first(client, db):
    response = client.get(RESET_CONFIRM)
    assert response["Location"] == RESET


def test_a_bad_number_is_refused_in_chinese(client, db, sms_outbox):
    response = client.post(RESET, {"phone": "12345"})
    assert "手机号" in " ".join(response.context["form"].errors["phone"])
    assert sms_outbox == []


# -- People without an e-mail address ----------------------------------------------------


def test_a_person_without_e_mail_uses_the_main_pages(client, db):
    user = phone_user()
    client.force_login(user)
    for url in (DASHBOARD, "/", reverse("account_change_password")):
        assert client.get(url).status_code == 200, url
    assert str(user) == "赵志愿"


def test_mail_paths_skip_people_without_e_mail(db, django_capture_on_commit_callbacks):
    user = phone_user()
    other = VolunteerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_on_commit(
            portal_mail.compose(subject="通知", body="内容", to=[user.email])
        )
        portal_mail.send_on_commit(
            portal_mail.compose(subject="通知", body="内容", to=[user.email, other.email])
        )
    assert [m.to for m in mail.outbox] == [[other.email]]
    event = services.audit_record(actor=user, action="account.test")
    assert event.actor_repr == "赵志愿"


def test_two_people_without_e_mail_coexist_but_a_number_has_one_account(db):
    phone_user()
    phone_user(phone="13900009999")
    assert User.objects.filter(email__isnull=True).count() == 2
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        phone_user()


def test_leaving_frees_the_number(db):
    user = phone_user()
    services.account_anonymise(user=user)
    user.refresh_from_db()
    assert (user.mobile, user.mobile_verified, user.is_active) == ("", False, False)


# -- E-mail sign-up as before -------------------------------------------------------------


def test_e_mail_sign_up_with_a_number_still_confirms_the_e_mail_and_sends_no_sms(
    client, db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="wangxh@example.cn")
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="wangxh@example.cn")
    assert (user.mobile, user.mobile_verified) == (PHONE, False)
    assert sms_outbox == [] and [m.to for m in mail.outbox] == [["wangxh@example.cn"]]


def test_e_mail_log_in_is_unchanged(client, db):
    user = VolunteerFactory(mobile=PHONE)
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert client.get(DASHBOARD).status_code == 200


# -- Every phone page in Chinese ------------------------------------------------------------


def test_every_phone_page_speaks_chinese(client, db, sms_outbox):
    from tests.portal.test_chinese_everywhere import english

    pages = {}
    sign_up(client)
    pages["verify"] = client.get(VERIFY)
    pages["wrong code"] = client.post(VERIFY, {"code": "abcdef"})
    client.post(VERIFY, {"code": code_in(sms_outbox[-1])})
    pages["change number"] = client.get(reverse("account_change_phone"))
    anonymous = client.__class__()
    pages["login"] = anonymous.get(LOGIN)
    pages["login, wrong password"] = anonymous.post(LOGIN, {"login": PHONE, "password": "错"})
    pages["login code"] = anonymous.get(reverse("account_request_login_code"))
    anonymous.post(reverse("account_request_login_code"), {"phone": PHONE})
    pages["login code confirm"] = anonymous.get(reverse("account_confirm_login_code"))
    pages["sign-up"] = anonymous.get(SIGNUP)
    pages["reset"] = anonymous.get(reverse("account_reset_password"))
    pages["reset by phone"] = anonymous.get(RESET)
    anonymous.post(RESET, {"phone": PHONE})
    pages["reset confirm"] = anonymous.get(RESET_CONFIRM)
    found = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        if lines := english(response.content.decode()):
            found[name] = lines
    assert not found
