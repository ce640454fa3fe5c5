"""The installable web app: its manifest, its service worker (portal/templates/portal/sw.js) and
the offline page, and the one rule for which pages a phone may keep a copy of to reopen offline.

Copies are private data on a device, so only two kinds are kept, and only of what a signed-in
person saw: the learner's lessons (their "my lessons" page and the last lesson page opened) and
the last chat page. The server names them in the X-Offline-Copy header; the worker keeps nothing
else, one copy per kind, and forgets them all on logout or login (sw.js, portal/static/portal/
pwa.js). URL names and the page model are named as strings: portal must not import the apps
above it (README "Layers")."""

import hashlib
import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

OFFLINE_HEADER = "X-Offline-Copy"
# The page's other address, which redirects to it (the links of "my lessons" go there): offline,
# the worker answers it with the same redirect.
ALIAS_HEADER = "X-Offline-Alias"
# View name -> kind of copy. The worker keeps one page per kind: the newest.
OFFLINE_VIEWS = {"curriculum:mine": "lessons", "messaging:conversation": "chat"}
# Wagtail page models (app_label.model) -> (kind, the view name of its redirecting address by
# page id); their pages have no view name of their own.
OFFLINE_PAGE_MODELS = {"curriculum.lessonpage": ("lesson", "curriculum:lesson")}

APP_NAME = "社区矫正社会力量协同平台"
APP_SHORT_NAME = "社区矫正协同"
# portal.css: --brand (the header) and --wash (the page behind the cards).
THEME_COLOUR = "#0b5394"
BACKGROUND_COLOUR = "#f3f5f8"
ICON_SIZES = (192, 512)


def icon_path(size: int) -> str:
    """The icon's file under portal/static (drawn by `manage.py pwa_icons`)."""
    return f"portal/icons/icon-{size}.png"


def offline_copy(request, response) -> tuple[str, str] | None:
    """(kind, alias or "") of the offline copy this response may be, or None: only successful
    GETs of a signed-in person's lessons or chat."""
    if request.method != "GET" or response.status_code != 200:
        return None
    # As PrivatePagesMiddleware: a response that never read the session is nobody's own page.
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or not session.accessed or user is None or not user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in OFFLINE_VIEWS:
        return OFFLINE_VIEWS[match.view_name], ""
    page = (getattr(response, "context_data", None) or {}).get("page")
    meta = getattr(page, "_meta", None)
    if meta is None or meta.label_lower not in OFFLINE_PAGE_MODELS:
        return None
    kind, alias = OFFLINE_PAGE_MODELS[meta.label_lower]
    return kind, reverse(alias, args=[page.pk])


class OfflineCopyMiddleware:
    """Names the pages the service worker may keep (see offline_copy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        copy = offline_copy(request, response)
        if copy:
            response[OFFLINE_HEADER], alias = copy
            if alias:
                response[ALIAS_HEADER] = alias
        return response


def manifest_data() -> dict:
    home = reverse("portal:dashboard")
    return {
        "id": home,
        "name": APP_NAME,
        "short_name": APP_SHORT_NAME,
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(icon_path(size)), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in ICON_SIZES
        ],
    }


def worker_config() -> dict:
    """What sw.js needs to know of the server: its pages, assets and the URLs that change who
    is signed in (their POST forgets the copies before it is sent)."""
    shell = [
        reverse("offline"),
        static("portal/css/portal.css"),
        static("portal/favicon.svg"),
        *(static(icon_path(size)) for size in ICON_SIZES),
    ]
    config = {
        "offline": reverse("offline"),
        "shell": shell,
        "static": static(""),
        "header": OFFLINE_HEADER,
        "aliasHeader": ALIAS_HEADER,
        "forgetOn": [reverse("account_logout"), reverse("account_login")],
    }
    # The shell's cache is named after what is in it, so a deployment with new assets replaces it.
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
    return {**config, "version": digest}


# Never from the session (these are the same for everyone); never cached for long, so a new
# worker or manifest reaches phones on their next visit.
@require_GET
@cache_control(no_cache=True, max_age=0)
def manifest(request):
    body = json.dumps(manifest_data(), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    config = json.dumps(worker_config(), ensure_ascii=False)
    response = HttpResponse(
        render_to_string("portal/sw.js", {"config": config}),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(no_cache=True, max_age=0)
def offline(request):
    """Shown by the worker for any page it has no copy of; kept by it at install time."""
    context = {"lessons": reverse("curriculum:mine"), "home": reverse("portal:dashboard")}
    return HttpResponse(render_to_string("portal/offline.html", context))
