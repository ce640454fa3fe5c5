"""The API's front door: its OpenAPI schema, its docs page served from our own files, the two
ways in (the app's headless token, the browser's session with CSRF), and GET /api/v1/me."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests import factories
from tests.api.conftest import LOGIN, TokenClient, login_token

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_schema_is_openapi_3_with_me_and_the_token_header(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]
    assert schema["components"]["securitySchemes"]["SessionToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Session-Token",
    }
    operation = schema["paths"]["/api/v1/me"]["get"]
    assert operation["operationId"] == "me_me"
    assert {"200", "401"} <= set(operation["responses"])


def test_docs_load_every_asset_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in html.lower()
    # Our CSP stays as strict as everywhere: only our own scripts, no inline script.
    policy = response.headers["Content-Security-Policy"]
    scripts = policy.split("script-src")[1].split(";")[0]
    assert "'self'" in scripts and "unsafe" not in scripts
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html)
    # Each one is a file collectstatic gathers (tests run without the static view).
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_me_needs_a_token_or_a_session(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录。"
    assert TokenClient("not-a-token").get(ME).status_code == 401


def test_me_with_a_headless_token(roles):
    response = TokenClient(login_token(roles.volunteer.email)).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "王志愿"
    assert body["kind"] == "volunteer"
    assert body["profile"]["status"] == "approved"
    assert body["profile"]["status_label"] == "已通过"
    assert "no-store" in response.headers["Cache-Control"]


def test_me_shows_the_vetting_state_and_the_coordinators_reason(regions):
    user = factories.VolunteerFactory(display_name="赵新人")
    factories.vetted(user)
    user.volunteer_profile.status = "needs_changes"
    user.volunteer_profile.decision_reason = "请补充服务地区。"
    user.volunteer_profile.save()
    body = TokenClient(login_token(user.email)).get(ME).json()
    assert body["profile"]["status"] == "needs_changes"
    assert body["profile"]["decision_reason"] == "请补充服务地区。"


@pytest.mark.parametrize("who", ["coordinator", "partner", "learner", "newcomer"])
def test_me_without_a_profile_has_none_and_starts_none(roles, who):
    from volunteers.models import VolunteerProfile

    user = getattr(roles, who)
    before = VolunteerProfile.objects.count()
    body = TokenClient(login_token(user.email)).get(ME).json()
    assert body["id"] == user.pk
    assert body["profile"] is None
    assert VolunteerProfile.objects.count() == before


def test_a_wrong_password_gets_no_token(roles):
    response = Client().post(
        LOGIN,
        {"email": roles.volunteer.email, "password": "错误密码"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "session_token" not in response.content.decode()


def test_logout_ends_the_token(roles):
    token = login_token(roles.volunteer.email)
    app = TokenClient(token)
    assert app.get(ME).status_code == 200
    assert app.delete("/_allauth/app/v1/auth/session").status_code == 401
    assert app.get(ME).status_code == 401


def test_browser_session_reads_and_needs_csrf_to_write(roles):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(roles.volunteer)
    assert browser.get(ME).json()["display_name"] == "王志愿"
