from urllib.parse import urlencode

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve

from portal import health, rights
from portal.filters import AuditEventFilter
from portal.models.accounts import SELF_SIGN_UP_KINDS
from portal.selectors import audit_events_visible_to, staff_roles_of
from portal.todo import todos_for

AUDIT_LOG_PAGE_SIZE = 50


def _may_read_audit_log(user) -> bool:
    return rights.has_right(user, rights.AUDIT_VIEW)


@require_GET
@never_cache
def healthz(request):
    """The process is up; says nothing about the services behind it."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    """200 only when every configured service answers; the body names each."""
    ready, results = health.readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


@login_required
def dashboard(request):
    """Where a signed-in person starts: what they can do, by role."""
    staff_roles = staff_roles_of(request.user)
    roles = {r.role for r in staff_roles}
    return render(
        request,
        "portal/dashboard.html",
        {"staff_roles": staff_roles, "roles": roles, "todos": todos_for(request.user, roles)},
    )


@login_required
def audit_log(request):
    """Who did what, where: admins see every event, coordinators their regions' events.

    Anyone else gets the same 404 as for a page that does not exist, so the log's existence
    does not leak. A page number that is not a number or is out of range shows the first or
    last page (Paginator.get_page).
    """
    if not _may_read_audit_log(request.user):
        raise Http404
    filterset = AuditEventFilter(
        request.GET or None, queryset=audit_events_visible_to(request.user), user=request.user
    )
    page = Paginator(filterset.qs, AUDIT_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/audit_log.html", {"filterset": filterset, "page": page})


def login_elsewhere(request):
    """Stands in for the login pages of Wagtail (/admin/login/, /_util/login/): every password
    goes through allauth, whose rate limits and mandatory e-mail confirmation those pages
    skip. Someone signed in who lacks a right lands on their start page, not back here."""
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    login = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(f"{login}?{urlencode({'next': next_url}, safe='/')}")
    return redirect(login)


# Pictures a page shows with <img>; anything else under MEDIA_ROOT (an editor's HTML or SVG
# document, say) is a download, so it never runs as a page of the portal's origin.
INLINE_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}


def media_file(request, path):
    """Uploaded files under MEDIA_ROOT, served by the development server (DEBUG) only."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.get("Content-Type", "").split(";")[0] not in INLINE_MEDIA_TYPES:
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, with the account kind preselected from ?kind= (links on the home page)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("kind") in SELF_SIGN_UP_KINDS:
            initial["kind"] = self.request.GET["kind"]
        return initial
