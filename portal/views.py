from allauth.account import views as allauth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import health
from portal.models.accounts import SELF_SIGN_UP_KINDS
from portal.selectors import staff_roles_of


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
    return render(
        request,
        "portal/dashboard.html",
        {"staff_roles": staff_roles, "roles": {r.role for r in staff_roles}},
    )


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, with the account kind preselected from ?kind= (links on the home page)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("kind") in SELF_SIGN_UP_KINDS:
            initial["kind"] = self.request.GET["kind"]
        return initial
