"""One way in: every URL that takes a password goes through allauth, so its rate limit and its
mandatory e-mail confirmation hold whichever login page an attacker picks.

The candidates are read from the URL conf (every pattern without arguments whose view is a
login view or whose name or route says login), so a library adding a login page is tried too.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.views import LoginView as AllauthLoginView
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

ALLAUTH_LOGIN = "/accounts/login/"
WRONG = "错误的密码-123456"


def _login_view(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return False
    return issubclass(view_class, (DjangoLoginView, AllauthLoginView))


def login_paths() -> list[str]:
    """Every argument-free route of the URL conf that looks like a login page."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                named = "login" in (pattern.name or "") or "login" in route
                if named or _login_view(pattern.callback):
                    found.add("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


def try_login(client: Client, path: str, email: str, password: str) -> None:
    # Every field name a login form of Django, Wagtail or allauth reads.
    client.post(path, {"login": email, "username": email, "email": email, "password": password})


def logged_in(client: Client) -> bool:
    return client.get(reverse("portal:dashboard")).status_code == 200


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_url_conf_has_the_login_pages_we_know_of():
    paths = login_paths()
    assert {ALLAUTH_LOGIN, "/admin/login/", "/_util/login/"} <= set(paths)


def test_a_confirmed_account_logs_in_through_allauth(db):
    user = factories.VolunteerFactory()
    client = Client()
    try_login(client, ALLAUTH_LOGIN, user.email, factories.PASSWORD)
    assert logged_in(client)


@pytest.mark.parametrize("path", login_paths())
def test_no_login_page_lets_a_locked_account_in(db, path):
    """12 wrong passwords, then the right one: refused while allauth's limit holds, whether
    the wrong ones went to allauth or to this page."""
    user = factories.VolunteerFactory(email="wang.xiaohong@example.cn")
    for wrong_at in (path, ALLAUTH_LOGIN):
        cache.clear()
        client = Client()
        for _ in range(12):
            try_login(client, wrong_at, user.email, WRONG)
        try_login(client, path, user.email, factories.PASSWORD)
        assert not logged_in(client), f"{path} let a locked account in"


@pytest.mark.parametrize("path", login_paths())
def test_no_login_page_lets_an_unconfirmed_account_in(db, path):
    user = factories.VolunteerFactory(email="li.jianguo@example.cn")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = Client()
    try_login(client, path, user.email, factories.PASSWORD)
    assert not logged_in(client), f"{path} let an unconfirmed account in"


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_the_other_login_pages_send_people_to_allauth(db, path):
    response = Client().get(path, {"next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == f"{ALLAUTH_LOGIN}?next=/admin/pages/"
    # Never an open redirect through them.
    response = Client().get(path, {"next": "https://evil.example.com/"})
    assert response["Location"] == ALLAUTH_LOGIN


def test_someone_signed_in_without_admin_rights_is_not_sent_round_in_circles(client_for, db):
    response = client_for(factories.VolunteerFactory()).get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


def test_the_admin_keeps_no_password_pages_of_its_own(client_for, db):
    assert Client().get("/admin/password_reset/").status_code == 404
    admin = client_for(factories.AdminFactory())
    assert admin.get("/admin/account/change_password/").status_code == 404


def test_the_leave_page_counts_its_password_tries_with_allauth(client_for, db):
    """The password asked before deleting an account is a login too: guessed at leisure, it
    would tell a session thief the password."""
    user = factories.VolunteerFactory()
    client = client_for(user)
    for _ in range(12):
        client.post(reverse("volunteers:leave"), {"password": WRONG})
    response = client.post(reverse("volunteers:leave"), {"password": factories.PASSWORD})
    assert response.status_code == 200  # refused: the form again, the account still there
    assert type(user).objects.filter(pk=user.pk).exists()
