"""Account e-mails link to the configured site, never to whatever Host a request carried (any
port of an allowed host passes Django's host check), and neither password reset nor sign-up
tells a stranger whether an address has an account (ACCOUNT_PREVENT_ENUMERATION)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from portal.models import User
from tests.factories import VolunteerFactory

SIGNUP = {
    "kind": "volunteer",
    "display_name": "王小红",
    "email": "wang.xiaohong@example.cn",
    "mobile": "",
    "password1": "Zhiyuan-Mima-2026!",
    "password2": "Zhiyuan-Mima-2026!",
}
ODD_HOST = "localhost:6666"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", message.body)


def test_a_reset_link_points_at_the_configured_site_whatever_the_host(
    client, db, django_capture_on_commit_callbacks
):
    VolunteerFactory(email="liufang@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/", {"email": "liufang@example.cn"}, HTTP_HOST=ODD_HOST
        )
    (message,) = mail.outbox
    found = links(message)
    assert found and all(url.startswith(settings.WAGTAILADMIN_BASE_URL) for url in found)
    assert ODD_HOST not in message.body


def test_a_confirmation_link_points_at_the_configured_site(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP, HTTP_HOST=ODD_HOST)
    (message,) = mail.outbox
    assert any("/accounts/confirm-email/" in url for url in links(message))
    assert all(url.startswith(settings.WAGTAILADMIN_BASE_URL) for url in links(message))


def test_password_reset_answers_alike_for_known_and_unknown_addresses(client, db):
    VolunteerFactory(email="liufang@example.cn")
    known = client.post("/accounts/password/reset/", {"email": "liufang@example.cn"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_sign_up_with_a_taken_address_answers_like_a_new_one_and_tells_its_owner(
    client, db, django_capture_on_commit_callbacks
):
    VolunteerFactory(email="taken@example.cn")
    fresh = client.post("/accounts/signup/", {**SIGNUP, "email": "new@example.cn"})
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/accounts/signup/", {**SIGNUP, "email": "taken@example.cn"})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email="taken@example.cn").count() == 1
    assert [m.to for m in mail.outbox][-1] == ["taken@example.cn"]  # the owner learns of it
