"""Thin views of staff administration. Anyone who manages no region gets the same 404 as for a
page that does not exist, so these pages do not leak who administers what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import rights, services
from portal.forms import apply_errors
from portal.staff import selectors
from portal.staff.filters import StaffRoleFilter
from portal.staff.forms import InviteForm
from portal.staff.services import staff_invite

PAGE_SIZE = 50


def _require_manager(user) -> None:
    if not rights.has_right(user, rights.STAFF_MANAGE):
        raise Http404


@login_required
def staff_list(request):
    """The staff roles the user manages, filtered and a page at a time."""
    _require_manager(request.user)
    filterset = StaffRoleFilter(
        request.GET or None,
        queryset=selectors.staff_roles_visible_to(request.user),
        user=request.user,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/staff/staff_list.html", {"filterset": filterset, "page": page})


@login_required
def person(request, pk: int):
    """One person's roles (those the viewer manages), each with its revoke button."""
    _require_manager(request.user)
    person, roles = selectors.person_for_staff(request.user, pk)
    for staff_role in roles:
        staff_role.revocable = rights.may_manage_role(
            request.user, user=person, role=staff_role.role, region=staff_role.region
        )
    return render(request, "portal/staff/person.html", {"person": person, "roles": roles})


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    """Give someone a role over a region the user manages; new addresses get an account."""
    _require_manager(request.user)
    form = InviteForm(
        request.POST or None,
        initial={"email": request.GET.get("email", "")[:254]},
        regions=selectors.manageable_regions(request.user),
        inviter=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            staff_role = staff_invite(**form.cleaned_data, invited_by=request.user)
        except PermissionDenied:
            form.add_error(None, _("You may not grant this role over this region."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s of %(region)s.")
                % {
                    "name": staff_role.user,
                    "role": staff_role.get_role_display(),
                    "region": staff_role.region.name,
                },
            )
            return redirect("staff:person", pk=staff_role.user_id)
    return render(request, "portal/staff/invite.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    """Ask, then take the role away (POST only)."""
    _require_manager(request.user)
    staff_role = selectors.staff_role_for_revoking(request.user, pk)
    if request.method == "POST":
        try:
            services.staff_role_revoke(staff_role=staff_role, revoked_by=request.user)
        except PermissionDenied as error:
            raise Http404 from error
        messages.success(
            request,
            _("%(name)s is no longer %(role)s of %(region)s.")
            % {
                "name": staff_role.user,
                "role": staff_role.get_role_display(),
                "region": staff_role.region.name,
            },
        )
        return redirect("staff:list")
    return render(request, "portal/staff/revoke.html", {"staff_role": staff_role})
