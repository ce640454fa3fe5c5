"""Single sign-on with the province's unified identity (portal/social.py): the whole redirect
flow in Chromium at 375 px against a real OpenID Connect provider (tests/oidc_provider), and
the adapter's rules on their own: a first login links only by a phone or e-mail verified on both
sides, else makes a volunteer; the provider never makes anyone staff."""

import copy
import html
import re
from contextlib import ExitStack
from urllib.parse import urljoin

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from playwright.sync_api import expect

from portal import social
from portal.models import AccountKind, StaffRole, User
from portal.models.audit import AuditEvent
from portal.settings import sso
from tests import factories, oidc_provider
from tests.browser import PHONE, chromium, new_page

LOGIN_BUTTON = "使用统一身份认证登录"
PHONE_NUMBER = "13700137000"
CALLBACK = f"/accounts/oidc/{sso.PROVIDER_ID}/login/callback/"

# The provider's people, by the login name typed on its page.
ACCOUNTS = {
    "xiaoming": {
        "name": "王小明",
        "email": "xiaoming@example.cn",
        "email_verified": True,
        "phone_number": "+86 138 0013 8000",
        "phone_number_verified": True,
    },
    "lifang": {"name": "刘芳（统一身份）", "email": "lifang@example.cn", "email_verified": True},
    "mingjie": {"name": "周明杰", "phone_number": "13600136000", "phone_number_verified": True},
}


def configure(settings, server_url):
    """The settings OIDC_SERVER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET would give."""
    apps = sso.oidc_apps(
        server_url=server_url,
        client_id=oidc_provider.CLIENT_ID,
        secret=oidc_provider.CLIENT_SECRET,
        name="广东省统一身份认证",
    )
    settings.SOCIALACCOUNT_PROVIDERS = sso.providers(apps)
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += sso.form_action_origins(apps)
    settings.CONTENT_SECURITY_POLICY = policy


# --- the whole flow in Chromium -----------------------------------------------------------------


@pytest.fixture(scope="module")
def provider(live_server):
    with oidc_provider.running(
        redirect_uris=[live_server.url + CALLBACK], accounts=ACCOUNTS
    ) as issuer:
        yield issuer


@pytest.fixture
def phone(live_server, home_page, monkeypatch):
    """phone() -> a new 375 px page (a person of their own) on the portal, in Chinese."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with ExitStack() as stack:
        browsers = []

        def start():
            if not browsers:
                browsers.append(stack.enter_context(chromium()))
            return new_page(browsers[0], live_server.url, locale="zh-CN")

        yield start


def start_sso(page):
    page.goto("/accounts/login/")
    button = page.get_by_role("button", name=LOGIN_BUTTON)
    expect(button).to_be_visible()
    expect(page.locator("main")).to_contain_text("广东省统一身份认证")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button.tap()


def log_in_at_provider(page, login):
    """oidc-provider's own login page: the login name picks the person, any password."""
    page.locator("[name=login]").fill(login)
    page.locator("[name=password]").fill("任意密码")
    page.locator("button[type=submit]").click()


def on_my_home(page):
    expect(page).to_have_url(re.compile(r"/me/(\?.*)?$"))
    expect(page.locator("nav.tab-bar")).to_be_visible()


def tamper_with_callback(page, provider, field, value):
    """Change one parameter of the provider's redirect back to the portal, as a forger would.

    Playwright intercepts only the first request of a chain of redirects, so each answer of the
    provider is fetched here without following it: a redirect within the provider becomes a
    page that moves on by itself (a new, intercepted request), and the one to the portal's
    callback is rewritten."""

    def handle(route):
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if CALLBACK in location:
            location = re.sub(rf"([?&]{field}=)[^&]*", rf"\g<1>{value}", location)
            route.fulfill(status=303, headers={"location": location})
        elif location:
            target = html.escape(urljoin(route.request.url, location))
            route.fulfill(
                status=200,
                content_type="text/html",
                body=f'<meta http-equiv="refresh" content="0;url={target}">',
            )
        else:
            route.fulfill(response=response)

    page.route(re.compile("^" + re.escape(provider) + "/"), handle)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_first_login_makes_a_volunteer_with_the_verified_phone(phone, provider, settings):
    configure(settings, provider)
    page = phone()
    start_sso(page)
    log_in_at_provider(page, "xiaoming")
    on_my_home(page)
    user = User.objects.get(email="xiaoming@example.cn")
    assert (user.display_name, user.kind, user.is_staff, user.is_superuser) == (
        "王小明",
        AccountKind.VOLUNTEER,
        False,
        False,
    )
    assert (user.mobile, user.mobile_verified) == ("13800138000", True)
    assert not StaffRole.objects.filter(user=user).exists()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).uid == "xiaoming"
    assert AuditEvent.objects.filter(action="account.signed_up", actor=user).exists()

    # The second time (logged out of both), the same account: nobody new.
    page.context.clear_cookies()
    start_sso(page)
    log_in_at_provider(page, "xiaoming")
    on_my_home(page)
    assert User.objects.filter(email="xiaoming@example.cn").count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_without_an_email_address_becomes_a_volunteer_by_phone(phone, provider, settings):
    configure(settings, provider)
    page = phone()
    start_sso(page)
    log_in_at_provider(page, "mingjie")
    on_my_home(page)
    user = User.objects.get(mobile="13600136000")
    assert (user.display_name, user.email, user.mobile_verified, user.kind) == (
        "周明杰",
        None,
        True,
        AccountKind.VOLUNTEER,
    )
    assert not EmailAddress.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_verified_email_links_to_the_existing_account(phone, provider, settings):
    configure(settings, provider)
    existing = factories.SocialWorkerFactory(email="lifang@example.cn", display_name="刘芳")
    page = phone()
    start_sso(page)
    log_in_at_provider(page, "lifang")
    on_my_home(page)
    expect(page.locator("body")).to_contain_text("刘芳")
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == existing
    existing.refresh_from_db()
    # Linking changes nothing of the account: its name and kind stay.
    assert (existing.display_name, existing.kind) == ("刘芳", AccountKind.SOCIAL_WORKER)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_forged_state_is_refused_and_creates_nothing(phone, provider, settings):
    configure(settings, provider)
    page = phone()
    tamper_with_callback(page, provider, "state", "forged-state")
    start_sso(page)
    log_in_at_provider(page, "xiaoming")
    expect(page.locator("main h1")).to_have_text("统一身份认证登录失败")
    expect(page.locator(".sso-error")).to_contain_text("这次登录请求已过期，或并非从本站发起")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    page.get_by_role("link", name="返回登录页").tap()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_invalid_code_is_refused_and_creates_nothing(phone, provider, settings):
    configure(settings, provider)
    page = phone()
    tamper_with_callback(page, provider, "code", "expired-or-invented-code")
    start_sso(page)
    log_in_at_provider(page, "xiaoming")
    expect(page.locator("main h1")).to_have_text("统一身份认证登录失败")
    expect(page.locator(".sso-error")).to_contain_text("授权码无效或已过期")
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cancelling_at_the_provider_says_so_and_creates_nothing(phone, provider, settings):
    configure(settings, provider)
    page = phone()
    start_sso(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("main h1")).to_have_text("登录已取消")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_provider_that_is_down_gets_a_message_and_local_login_still_works(phone, settings):
    configure(settings, f"http://127.0.0.1:{oidc_provider.free_port()}")  # nobody listens
    user = factories.VolunteerFactory(email="zhangwei@example.cn")
    page = phone()
    start_sso(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".messages")).to_contain_text("统一身份认证服务暂时无法连接")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").filter(has_text="登录").first.click()
    on_my_home(page)
    assert not SocialAccount.objects.exists()


# --- pages without the browser ------------------------------------------------------------------


@pytest.mark.django_db
def test_without_settings_there_is_no_button_and_no_login_address(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert LOGIN_BUTTON not in response.content.decode()
    assert client.post(f"/accounts/oidc/{sso.PROVIDER_ID}/login/").status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_a_provider_id_that_is_not_one_is_a_404_not_a_server_error(client):
    """Found by tests/test_odd_input.py: a NUL byte in the provider's place reached PostgreSQL.
    Anonymous or signed in (a volunteer, with no account at any provider), the same 404."""
    for who in (None, factories.VolunteerFactory(display_name="王小红")):
        if who is not None:
            client.force_login(who)
        for odd in ("\x00", "a\x00b", "测试", "..", "a b"):
            for path in (f"/accounts/oidc/{odd}/login/", f"/accounts/oidc/{odd}/login/callback/"):
                assert client.get(path).status_code == 404, path
                assert client.post(path).status_code == 404, path


def test_the_provider_is_on_only_when_all_three_values_are_set():
    values = {"server_url": "https://id.gd.gov.cn", "client_id": "portal", "secret": "密钥"}
    for missing in values:
        assert sso.oidc_apps(**{**values, missing: ""}, name="广东省统一身份认证") == []
    (app,) = sso.oidc_apps(**values, name="广东省统一身份认证")
    assert app["name"] == "广东省统一身份认证"
    assert sso.form_action_origins([app]) == ["https://id.gd.gov.cn"]


@pytest.mark.django_db
def test_a_callback_this_browser_never_asked_for_is_refused(client, settings):
    """A callback with a state this session never stashed: a forged or replayed redirect."""
    configure(settings, "https://id.example.cn")
    response = client.get(CALLBACK + "?code=abc&state=forged")
    assert response.status_code == 401
    assert "这次登录请求已过期，或并非从本站发起" in response.content.decode()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_a_login_while_the_provider_is_down_returns_to_the_login_page(client, settings):
    configure(settings, f"http://127.0.0.1:{oidc_provider.free_port()}")  # nobody listens
    response = client.post(f"/accounts/oidc/{sso.PROVIDER_ID}/login/", follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "统一身份认证服务暂时无法连接" in response.content.decode()
    assert LOGIN_BUTTON in response.content.decode()


# --- the adapter ---------------------------------------------------------------------------------


@pytest.fixture
def configured(settings):
    """A provider in the settings (linking an account names its app); never called here."""
    configure(settings, "https://id.example.cn")


def sociallogin(claims, uid="gd-0001"):
    account = SocialAccount(provider=sso.PROVIDER_ID, uid=uid, extra_data={"userinfo": claims})
    return SocialLogin(user=User(email=claims.get("email", "")), account=account)


def request():
    req = RequestFactory().get("/accounts/oidc/unified/login/callback/")
    SessionMiddleware(lambda r: None).process_request(req)
    req.user = AnonymousUser()
    return req


@pytest.mark.django_db
def test_the_provider_never_grants_staff_whatever_it_claims(configured):
    claims = {
        "name": "黄主任",
        "email": "huang@example.cn",
        "email_verified": True,
        "is_staff": True,
        "is_superuser": True,
        "kind": "staff",
        "roles": ["coordinator"],
    }
    login = sociallogin(claims)
    adapter = social.SocialAccountAdapter()
    user = adapter.populate_user(request(), login, {**claims, "email": "huang@example.cn"})
    login.user = user
    adapter.save_user(request(), login)
    user.refresh_from_db()
    assert (user.kind, user.is_staff, user.is_superuser) == (AccountKind.VOLUNTEER, False, False)
    assert not user.staff_roles.exists()


@pytest.mark.django_db
def test_a_number_another_account_holds_unverified_stays_with_it(configured):
    holder = factories.VolunteerFactory(mobile=PHONE_NUMBER, mobile_verified=False)
    claims = {
        "name": "孙丽",
        "email": "sunli@example.cn",
        "email_verified": True,
        "phone_number": PHONE_NUMBER,
        "phone_number_verified": True,
    }
    login = sociallogin(claims)
    adapter = social.SocialAccountAdapter()
    adapter.pre_social_login(request(), login)
    assert login.user.pk is None  # not linked: the holder never verified the number
    login.user = adapter.populate_user(request(), login, claims)
    adapter.save_user(request(), login)
    assert (login.user.mobile, login.user.mobile_verified) == ("", False)
    holder.refresh_from_db()
    assert (holder.mobile, holder.mobile_verified) == (PHONE_NUMBER, False)


@pytest.mark.django_db
def test_a_verified_phone_links_the_account_that_verified_it(configured):
    holder = factories.VolunteerFactory(mobile="13900139000", mobile_verified=True)
    factories.VolunteerFactory(mobile="13700137000", mobile_verified=False)
    login = sociallogin({"phone_number": "139 0013 9000", "phone_number_verified": True})
    social.SocialAccountAdapter().pre_social_login(request(), login)
    assert SocialAccount.objects.get().user == holder


@pytest.mark.parametrize(
    ("claims", "local"),
    [
        # The provider did not verify it.
        ({"phone_number": PHONE_NUMBER, "phone_number_verified": False}, {"mobile_verified": True}),
        ({"phone_number": PHONE_NUMBER}, {"mobile_verified": True}),
        # The portal's account did not verify it.
        ({"phone_number": PHONE_NUMBER, "phone_number_verified": True}, {}),
    ],
)
@pytest.mark.django_db
def test_an_unverified_phone_does_not_link(claims, local, configured):
    factories.VolunteerFactory(mobile=PHONE_NUMBER, **local)
    login = sociallogin(claims)
    social.SocialAccountAdapter().pre_social_login(request(), login)
    assert not SocialAccount.objects.exists()
    assert login.user.pk is None


@pytest.mark.django_db
def test_an_email_unverified_by_the_provider_does_not_link(configured):
    factories.VolunteerFactory(email="chenjing@example.cn")
    login = sociallogin({"email": "chenjing@example.cn", "email_verified": False})
    social.SocialAccountAdapter().pre_social_login(request(), login)
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_an_email_the_portal_never_verified_does_not_link(configured):
    user = factories.VolunteerFactory(email="chenjing@example.cn")
    EmailAddress.objects.filter(user=user).update(verified=False)
    login = sociallogin({"email": "chenjing@example.cn", "email_verified": True})
    social.SocialAccountAdapter().pre_social_login(request(), login)
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("others", [1, 20])
@pytest.mark.django_db
def test_finding_the_account_to_link_takes_two_queries_however_many_people(
    others, django_assert_max_num_queries
):
    factories.VolunteerFactory.create_batch(others)
    holder = factories.VolunteerFactory(email="tangyu@example.cn")
    claims = {
        "email": "tangyu@example.cn",
        "email_verified": True,
        "phone_number": "13500135000",
        "phone_number_verified": True,
    }
    with django_assert_max_num_queries(2):
        assert social.existing_account(claims) == holder


@pytest.mark.django_db
def test_a_staff_member_linked_by_email_keeps_exactly_their_roles(configured, regions):
    role = factories.StaffRoleFactory(user__email="huangli@example.cn")
    claims = {"email": "huangli@example.cn", "email_verified": True, "roles": ["observer"]}
    login = sociallogin(claims)
    social.SocialAccountAdapter().pre_social_login(request(), login)
    assert SocialAccount.objects.get().user == role.user
    assert list(StaffRole.objects.values_list("user", "role")) == [(role.user.pk, role.role)]
