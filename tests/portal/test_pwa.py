"""The installable web app, without a browser: the manifest a phone reads to install the portal,
the service worker's script and headers, the offline page, and which pages the server lets the
worker keep (X-Offline-Copy) for whom. tests/portal/test_pwa_offline.py drives it in Chromium."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal import pwa
from tests import factories
from tests.curriculum import factories as cf
from tests.messaging.conftest import build_world
from tests.portal.test_headers import policy

STATIC_URL = "/static/"


def static_file(url):
    """The file behind one of our static URLs (every asset is ours: never another host)."""
    assert url.startswith(STATIC_URL), url
    found = finders.find(url.removeprefix(STATIC_URL))
    assert found, url
    return found


def worker_config(response):
    match = re.search(r"^const CONFIG = (\{.*\});$", response.content.decode(), re.MULTILINE)
    assert match, "sw.js has its CONFIG line"
    return json.loads(match[1])


# --- the manifest -----------------------------------------------------------------------------


def test_the_manifest_is_json_with_what_a_phone_needs_to_install_the_portal(db):
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content.decode("utf-8"))
    assert data["name"] == "社区矫正社会力量协同平台"
    assert data["short_name"] and len(data["short_name"]) <= 12
    assert data["lang"] == "zh-Hans"
    assert data["start_url"] == reverse("portal:dashboard") == "/me/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    # The theme is the site's own blue (the header of portal.css).
    css = Path(static_file("/static/portal/css/portal.css")).read_text(encoding="utf-8")
    assert f"--brand: {data['theme_color']};" in css
    assert re.fullmatch(r"#[0-9a-f]{6}", data["background_color"])


def test_the_manifests_icons_are_our_own_pngs_of_the_sizes_it_states(db):
    icons = json.loads(Client().get("/manifest.webmanifest").content)["icons"]
    assert {icon["sizes"] for icon in icons} == {"192x192", "512x512"}
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            # The brand blue behind a white tick, as the favicon.
            assert image.getpixel((2, 2))[:3] == (0x0B, 0x53, 0x94)
            assert (255, 255, 255) in {c[1][:3] for c in image.getcolors(1 << 16)}


def test_the_manifest_is_the_same_for_everyone_and_reads_no_session(
    client_for, regions, django_assert_num_queries
):
    anonymous = Client().get("/manifest.webmanifest")
    client = client_for(factories.coordinator(regions["440106"]))
    with django_assert_num_queries(0):
        signed_in = client.get("/manifest.webmanifest")
    assert signed_in.content == anonymous.content
    assert "no-store" not in signed_in["Cache-Control"]
    assert "no-cache" in signed_in["Cache-Control"]


# --- the service worker -----------------------------------------------------------------------


def test_the_service_worker_is_served_at_the_root_with_its_scope_and_never_cached_stale(
    db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert {d.strip() for d in response["Cache-Control"].split(",")} >= {"no-cache", "max-age=0"}
    assert policy(response)["worker-src"] == ["'self'"]


def test_the_worker_keeps_only_our_own_assets_and_forgets_on_logout_and_login(db):
    config = worker_config(Client().get("/sw.js"))
    assert config["offline"] == "/offline/"
    assert config["offline"] in config["shell"]
    for url in config["shell"]:
        assert url.startswith("/"), url  # our origin, never another host
        if url != config["offline"]:
            static_file(url)
    assert config["forgetOn"] == [reverse("account_logout"), reverse("account_login")]
    assert config["header"] == "X-Offline-Copy"
    assert config["aliasHeader"] == "X-Offline-Alias"
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])


@pytest.mark.parametrize("url", ["/sw.js", "/manifest.webmanifest", "/offline/"])
def test_the_app_files_answer_only_get(db, url):
    response = Client().post(url, {"x": "1"})
    assert response.status_code == 405


def test_every_page_may_install_the_app_under_a_policy_that_allows_only_our_worker(db, home_page):
    directives = policy(Client().get("/"))
    assert directives["worker-src"] == ["'self'"]
    assert directives["manifest-src"] == ["'self'"]


def test_the_base_template_links_the_manifest_and_registers_the_worker(client_for, regions):
    anonymous = Client().get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in anonymous
    assert 'data-service-worker="/sw.js"' in anonymous
    # Nobody signed in: pwa.js has the worker forget any kept page.
    assert "data-signed-in" not in anonymous
    signed_in = client_for(factories.coordinator(regions["440106"])).get("/me/").content.decode()
    assert 'data-service-worker="/sw.js" data-signed-in' in signed_in


# --- the offline page -------------------------------------------------------------------------


def test_the_offline_page_says_so_in_chinese_and_is_nobodys_own(
    client_for, regions, django_assert_num_queries
):
    client = client_for(factories.coordinator(regions["440106"]))
    with django_assert_num_queries(0):
        response = client.get("/offline/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "您当前处于离线状态" in text
    assert 'href="/learning/mine/"' in text and "我的课程" in text
    # Kept on the phone for everyone: no name, no menu, no private cache header.
    assert "退出" not in text and "no-store" not in response["Cache-Control"]
    assert "X-Offline-Copy" not in response


def test_the_offline_page_is_in_english_for_who_chose_english(db):
    client = Client()
    client.cookies["django_language"] = "en"
    text = client.get("/offline/").content.decode()
    assert "You are offline" in text and "离线" not in text


# --- which pages the worker may keep, for whom ---------------------------------------------------


def test_the_rules_name_views_and_a_page_model_that_exist():
    for name in pwa.OFFLINE_VIEWS:
        assert reverse(name, **({"args": [1]} if name.endswith("conversation") else {}))
    for label in pwa.OFFLINE_PAGE_MODELS:
        assert apps.get_model(label)


@pytest.fixture
def chat(regions, reference_data):
    return build_world(regions)


@pytest.fixture
def lesson(home_page):
    from curriculum import services as curriculum_services

    index = curriculum_services.curriculum_tree_ensure()
    return cf.lesson(cf.theme(index, date(2026, 3, 1)), "好家风伴我行")


def kept(response):
    return response.get("X-Offline-Copy")


def test_a_member_may_keep_their_chat_page_and_an_outsider_gets_nothing(chat, client_for):
    url = reverse("messaging:conversation", args=[chat.room.pk])
    for member in (chat.learner, chat.volunteer, chat.lead):
        response = client_for(member).get(url)
        assert response.status_code == 200
        assert kept(response) == "chat"
        assert "X-Offline-Alias" not in response
    outsider = client_for(chat.outsider).get(url)
    assert outsider.status_code == 404 and kept(outsider) is None
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and kept(anonymous) is None


def test_a_learner_may_keep_their_lessons_and_the_lesson_they_open(chat, lesson, client_for):
    client = client_for(chat.learner)
    assert kept(client.get(reverse("curriculum:mine"))) == "lessons"
    response = client.get(lesson.url)
    assert response.status_code == 200 and "好家风伴我行" in response.content.decode()
    assert kept(response) == "lesson"
    # Its address by id (the links of "my lessons") redirects to it; offline too.
    assert response["X-Offline-Alias"] == reverse("curriculum:lesson", args=[lesson.pk])
    assert client.get(response["X-Offline-Alias"]).url == lesson.url
    # The same public lesson, read by nobody signed in: nobody's copy to keep.
    public = Client().get(lesson.url)
    assert public.status_code == 200 and kept(public) is None
    assert kept(Client().get(reverse("curriculum:mine"))) is None


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("portal:dashboard"),
        lambda w: reverse("messaging:inbox"),
        lambda w: reverse("groups:detail", args=[w.group.code]),
        lambda w: reverse("curriculum:group", args=[w.group.code]),
        lambda w: "/",
    ],
)
def test_no_other_page_is_kept(chat, client_for, home_page, url):
    response = client_for(chat.lead).get(url(chat))
    assert response.status_code == 200
    assert kept(response) is None


def test_a_chat_message_sent_is_not_a_page_to_keep(chat, client_for):
    response = client_for(chat.volunteer).post(
        reverse("messaging:send", args=[chat.room.pk]), {"body": "明天下午见"}
    )
    assert kept(response) is None
