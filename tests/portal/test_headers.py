"""What the browser is told: a Content-Security-Policy on every page (our pages run only our own
scripts), private pages never stored by the browser or a proxy, and uploads never rendered as a
page of the portal's origin."""

import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from portal import views
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/healthz"])
def test_every_page_has_a_policy_that_runs_only_our_own_scripts(db, url, home_page):
    directives = policy(Client().get(url))
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_signed_in_pages_have_the_policy_too(client_for, regions):
    client = client_for(factories.coordinator(regions["440106"]))
    for url in (reverse("portal:dashboard"), reverse("groups:list"), reverse("staff:list")):
        assert policy(client.get(url))["script-src"] == ["'self'"], url


def test_the_wagtail_admin_has_its_own_relaxed_policy(client_for, db):
    """Wagtail's admin writes a few inline scripts (date pickers, inline panels); only there."""
    response = client_for(factories.AdminFactory()).get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert directives["object-src"] == ["'none'"]


def test_no_template_of_ours_has_an_inline_script_or_handler():
    """The policy forbids them, so one left behind would silently stop working."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    javascript_url = re.compile(r"""(href|action)\s*=\s*["']\s*javascript:""", re.I)
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("templates/**/*.html"):
            text = path.read_text(encoding="utf-8")
            for rule in (inline_script, handler, javascript_url):
                found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in rule.finditer(text)]
    assert found == []


@pytest.mark.parametrize(
    "page",
    [
        lambda w: reverse("groups:detail", args=[w["group"].code]),
        lambda w: reverse("groups:edit", args=[w["group"].code]),
        lambda w: reverse("messaging:inbox"),
        lambda w: reverse("staff:list"),
        lambda w: reverse("portal:audit_log"),
        lambda w: reverse("dashboards:region", args=["440106"]),
        lambda w: reverse("portal:dashboard"),
    ],
)
def test_private_pages_are_never_stored(client_for, regions, reference_data, page):
    from groups.services import group_create
    from tests.groups.conftest import group_data

    coordinator = factories.coordinator(regions["440106"])
    group = group_create(data=group_data(regions), created_by=coordinator)
    response = client_for(coordinator).get(page({"group": group}))
    assert response.status_code == 200
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_the_chat_page_is_never_stored(client_for, regions, reference_data):
    from tests.messaging.conftest import build_world

    world = build_world(regions)
    response = client_for(world.volunteer).get(
        reverse("messaging:conversation", args=[world.room.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_for_anonymous_visitors_may_be_cached(db, home_page):
    response = Client().get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "通知.html").write_text("<script>alert(document.cookie)</script>")
    (tmp_path / "documents" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


@pytest.mark.parametrize("name", ["documents/通知.html", "documents/logo.svg"])
def test_an_uploaded_page_or_drawing_is_downloaded_never_rendered(media_root, name):
    response = views.media_file(RequestFactory().get(f"/media/{name}"), name)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_uploaded_picture_still_shows_in_a_page(media_root):
    response = views.media_file(RequestFactory().get("/media/logo.png"), "logo.png")
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_with_debug_on_the_media_url_is_served_by_the_safe_view(settings):
    """The development server serves MEDIA_ROOT (make demo); never with Django's plain static
    view, which renders whatever was uploaded."""
    import importlib

    from django.urls import clear_url_caches, resolve

    import portal.urls

    settings.DEBUG = True
    try:
        importlib.reload(portal.urls)
        clear_url_caches()
        assert resolve("/media/documents/x.html").func == views.media_file
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)
        clear_url_caches()
