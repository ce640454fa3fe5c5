from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import phone_reset, pwa, region_picker, views

portal_patterns = (
    [
        path("me/", views.dashboard, name="dashboard"),
        path("audit/", views.audit_log, name="audit_log"),
        path("regions/children/", region_picker.region_children, name="region_children"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # The installable web app (portal/pwa.py): the worker at the root, so its scope is every page.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    # Ours first: the same sign-up, with ?kind= preselected.
    path("accounts/signup/", views.SignupView.as_view(), name="account_signup"),
    path(
        "accounts/password/reset/phone/",
        phone_reset.request_code,
        name="portal_reset_password_by_phone",
    ),
    path(
        "accounts/password/reset/phone/confirm/",
        phone_reset.confirm_code,
        name="portal_reset_password_by_phone_confirm",
    ),
    # Single sign-on: allauth's OpenID Connect views, with a message when the provider is down.
    path("accounts/oidc/", include("portal.social")),
    path("accounts/", include("allauth.urls")),
    # The mobile client: allauth's headless sign-in (app tokens) and the JSON API.
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["portal"]), name="javascript-catalog"),
    # Wagtail's own login pages would take passwords past allauth's limits and e-mail check.
    path("admin/login/", views.login_elsewhere, name="admin_login_elsewhere"),
    path("_util/login/", views.login_elsewhere, name="page_login_elsewhere"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Matching first: its /groups/matching/ must not be read as a group with the code "matching".
    path("groups/", include("matching.urls")),
    path("groups/", include("groups.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("partners/", include("partners.urls")),
    path("learning/", include("curriculum.urls")),
    path("messages/", include("messaging.urls")),
    path("search/", include("search.urls")),
    path("alerts/", include("alerts.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("staff/", include("portal.staff.urls")),
    path("", include(portal_patterns)),
]

if settings.DEBUG:
    # Development only; never Django's plain static view, which renders whatever was uploaded.
    media = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media}/(?P<path>.*)$", views.media_file, name="media"))

# Wagtail serves every other path from the page tree; keep it last.
urlpatterns.append(path("", include(wagtail_urls)))

handler429 = "portal.views.rate_limited"
