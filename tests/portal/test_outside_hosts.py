"""No page asks any host but ours for anything: people sit on government intranets (and in
mainland China), where gravatar.com, font services, CDNs and analytics are unreachable or
forbidden. Chromium opens the main pages of every role on the demo data (`seed_demo`) and
records every request and socket each page makes; one to another host fails the test."""

import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from portal.models import User
from tests.browser import chromium, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editorial(home_page):
    """Wagtail's root collection and the editors' permissions, which the migrations made and an
    earlier transactional test's flush may have emptied."""
    from wagtail.models import Collection

    from curriculum.services.editorial import editorial_setup

    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    editorial_setup()


@pytest.fixture
def browser(editorial, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def demo_paths():
    """{demo login: [path, ...]}: the main pages of each role, from the demo data."""
    from wagtail.models import Page

    from curriculum.models.pages import LessonPage
    from groups.models import CorrectionGroup
    from messaging.models import Conversation
    from volunteers.models import VolunteerProfile

    worker = User.objects.get(email="socialworker@demo.portal.cn")
    group = CorrectionGroup.objects.filter(
        memberships__user=worker, memberships__left_at=None
    ).first()
    profile = VolunteerProfile.objects.get(user__email="volunteer@demo.portal.cn")
    room = Conversation.objects.filter(group=group).first()
    lesson = LessonPage.objects.live().order_by("pk").first()
    return {
        None: ["/", "/accounts/login/", "/partners/jobs/", "/learning/lessons/"],
        "volunteer": ["/me/", "/volunteers/profile/", "/volunteers/activities/", "/messages/"],
        "coordinator": [
            "/me/",
            "/groups/",
            f"/groups/{group.code}/",
            f"/volunteers/people/{profile.pk}/",
        ],
        "socialworker": ["/me/", f"/messages/c/{room.pk}/", f"/learning/groups/{group.code}/"],
        "partner": ["/me/", "/partners/jobs/", "/partners/referrals/"],
        "learner": ["/me/", "/learning/mine/", Page.objects.get(pk=lesson.pk).url],
        "editor": ["/admin/", "/admin/pages/", f"/admin/pages/{lesson.pk}/edit/", "/admin/images/"],
    }


def logged_in_page(browser, base_url, login):
    page = new_page(browser, base_url, locale="zh-CN")
    if login:
        client = Client()
        client.force_login(User.objects.get(email=f"{login}@demo.portal.cn"))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
        )
    return page


def test_no_page_of_any_role_reaches_out_to_another_host(browser, live_server, reference_data):
    call_command("seed_demo", stdout=io.StringIO())
    ours = urlsplit(live_server.url).netloc
    foreign = []
    opened = 0
    for login, paths in demo_paths().items():
        page = logged_in_page(browser, live_server.url, login)
        where = {"who": login or "anonymous", "path": ""}

        def record(url, where=where):
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                return
            if parts.netloc != ours:
                foreign.append(f"{where['who']} {where['path']}: {url}")

        page.on("request", lambda request, record=record: record(request.url))
        page.on("websocket", lambda socket, record=record: record(socket.url))
        for path in paths:
            where["path"] = path
            response = page.goto(path, wait_until="networkidle")
            assert response.status == 200, (login, path, response.status)
            assert urlsplit(page.url).path == path.split("?")[0], (login, path, page.url)
            opened += 1
        page.context.close()
    assert opened == sum(len(paths) for paths in demo_paths().values())
    assert foreign == [], "\n".join(dict.fromkeys(foreign))
