"""Thin views: check access through selectors, call a service, render. A profile, record or
activity the user may not see answers 404, so its existence does not leak."""

import functools

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import services as portal_services
from portal.forms import apply_errors
from portal.selectors import regions_covered_by, role_region_paths
from volunteers import export, forms, listing, selectors, services
from volunteers.filters import ProfileFilter
from volunteers.models import ServiceRecord, VolunteerProfile
from volunteers.reference import PLEDGE_VERSION
from volunteers.services.imports import HEADERS as IMPORT_HEADERS
from volunteers.services.imports import volunteers_import
from volunteers.services.profiles import missing_for_submission

PAGE_SIZE = 25


def _coordinator_regions(user):
    # A role's region always exists, so holding a coordinator role is covering a region: the
    # roles read once per request answer it without another query.
    if not user.is_superuser and not role_region_paths(user, role=selectors.COORDINATOR):
        raise Http404
    return regions_covered_by(user, role=selectors.COORDINATOR)


def _own_profile(user) -> VolunteerProfile:
    """The user's profile, started on first visit; 404 for accounts that have none."""
    try:
        return services.profile_start(user=user)
    except ValidationError:
        raise Http404 from None


# ---------------------------------------------------------------------------
# The person's own profile
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Show the profile; while it is a draft (or approved), edit it. "Save draft" keeps an
    incomplete profile; "Submit" also sends it for vetting."""
    mine = _own_profile(request.user)
    can_edit = mine.editable or mine.is_approved
    form = None
    if can_edit:
        form = forms.ProfileForm(
            request.POST or None, profile=mine, initial=forms.ProfileForm.initial_for(mine)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.profile_save(profile=mine, data=form.to_data(), by=request.user)
                if "submit" in request.POST and mine.editable:
                    services.profile_submit(profile=mine, by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Submitted for vetting.")
                    if mine.status == VolunteerProfile.Status.SUBMITTED
                    else _("Saved."),
                )
                return redirect("volunteers:profile")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "volunteers/profile.html",
        {
            "profile": mine,
            "form": form,
            "missing": missing_for_submission(mine) if mine.editable else {},
            "pledge_version": PLEDGE_VERSION,
            "totals": selectors.my_totals(mine),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave(request):
    if not portal_services.may_leave(request.user):
        raise Http404  # learners and staff: their accounts are ended by an admin
    form = forms.LeaveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account is deleted. Thank you for your service."))
        return redirect("/")
    return render(request, "volunteers/leave.html", {"form": form})


# ---------------------------------------------------------------------------
# Coordinators: queue, directory, one profile, decisions
# ---------------------------------------------------------------------------


def _profile_list(request, *, queue: bool):
    _coordinator_regions(request.user)
    order = ("submitted_at", "id") if queue else ("-submitted_at", "-id")

    # At province scale the count, the page's rows and the filter form come from the cache,
    # keyed by the user's scope and the filters asked (listing.py). The scoped rows and the
    # filters are built (and the filters validated) only to make what the cache lacks.
    @functools.cache
    def filters() -> ProfileFilter:
        rows = selectors.directory_rows(request.user)
        if queue:
            rows = rows.filter(status=VolunteerProfile.Status.SUBMITTED)
        return ProfileFilter(request.GET or None, queryset=rows, request=request)

    def shown():
        if not filters().is_bound or filters().is_valid():
            return filters().qs.order_by(*order)
        return filters().queryset.none()

    cached = listing.ListCache(request, names=ProfileFilter.base_filters, queue=queue)
    paginator = cached.paginator(shown, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/profile_list.html",
        {
            "filtered": bool(request.GET),  # as ProfileFilter(request.GET or None).is_bound
            "filter_form": cached.form(lambda: filters().form),
            "page": page,
            "rows": cached.rows(page, "volunteers/includes/profile_rows.html")
            if paginator.count
            else "",
            "queue": queue,
        },
    )


@login_required
def queue(request):
    return _profile_list(request, queue=True)


@login_required
def directory(request):
    return _profile_list(request, queue=False)


@login_required
@require_POST
def bulk_approve(request):
    _coordinator_regions(request.user)
    form = forms.ChosenProfilesForm(request.POST)
    if not form.is_valid():
        raise BadRequest("profile ids")
    chosen = selectors.profiles_visible_to(request.user).filter(
        pk__in=form.cleaned_data["profile"], status=VolunteerProfile.Status.SUBMITTED
    )
    count = services.profiles_bulk_approve(profiles=list(chosen), decided_by=request.user)
    messages.success(request, _("%(count)s profiles approved.") % {"count": count})
    return redirect("volunteers:queue")


@login_required
@require_http_methods(["GET", "POST"])
def profile_detail(request, pk):
    person = selectors.profile_for_coordinator(request.user, pk, audit=request.method == "GET")
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_decide(
                profile=person,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                decided_by=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("volunteers:profile_detail", pk=person.pk)
    return render(
        request,
        "volunteers/profile_detail.html",
        {"person": person, "form": form, "totals": selectors.my_totals(person)},
    )


# ---------------------------------------------------------------------------
# Service hours
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hours(request):
    mine = _own_profile(request.user)
    form = forms.ServiceRecordForm(request.POST or None, profile=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record_log(profile=mine, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Hours logged; they count once confirmed."))
            return redirect("volunteers:hours")
    page = Paginator(selectors.my_records(mine), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/hours.html",
        {"profile": mine, "form": form, "page": page, "totals": selectors.my_totals(mine)},
    )


@login_required
def hours_review(request):
    records = selectors.records_decidable_by(request.user)
    is_coordinator = selectors.is_coordinator(request.user)
    pending = records.filter(status=ServiceRecord.Status.PENDING).order_by("date", "id")
    # Leads without anything to confirm still get the page; others get 404.
    if not is_coordinator and not pending.exists() and not selectors.leads_a_group(request.user):
        raise Http404
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "is_coordinator": is_coordinator}
    if is_coordinator:
        context["totals"] = selectors.hours_totals(request.user)
    return render(request, "volunteers/hours_review.html", context)


@login_required
@require_POST
def hours_decide(request, pk):
    record = get_object_or_404(selectors.records_decidable_by(request.user), pk=pk)
    form = forms.RecordDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or reject."))
        return redirect("volunteers:hours_review")
    try:
        services.service_record_decide(
            record=record,
            confirm=form.cleaned_data["confirm"],
            reason=form.cleaned_data["reason"],
            decided_by=request.user,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("volunteers:hours_review")


@login_required
def hours_export(request):
    regions = _coordinator_regions(request.user)
    form = forms.ExportForm(request.GET or None, regions=regions)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        records = selectors.export_records(
            request.user, region=data["region"], start=data["start"], end=data["end"]
        )
        response = HttpResponse(
            export.hours_workbook(records),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"service-hours-{data['region'].code}-{data['start']}-{data['end']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "volunteers/hours_export.html", {"form": form})


# ---------------------------------------------------------------------------
# Bulk import
# ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_volunteers(request):
    _coordinator_regions(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = volunteers_import(
                upload=form.cleaned_data["file"],
                coordinator=request.user,
                dry_run="import" not in request.POST,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if report.imported:
                messages.success(
                    request,
                    _("%(count)s volunteers imported.") % {"count": report.imported},
                )
    return render(
        request,
        "volunteers/import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[:200] if report else [],
            "headers": "，".join(IMPORT_HEADERS),
        },
    )
