"""Thin views: check access through selectors, call a service, render. Anyone who may not see
a group gets 404, so its existence does not leak."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from groups import detail, forms, listing, people, selectors, services
from groups.filters import GroupFilter, form_html
from groups.models import Membership
from portal.forms import apply_errors
from portal.selectors import regions_covered_by, role_region_paths

PAGE_SIZE = listing.PAGE_SIZE  # the list's (bench.scenarios.groups reads it here)


def _require_coordinator(user) -> None:
    """404 for anyone who coordinates nothing. From the roles already read for the request
    (portal.selectors memoises them per user), without a query or a region queryset (#20)."""
    if not user.is_superuser and not role_region_paths(user, role=selectors.COORDINATOR):
        raise Http404


def _coordinator_regions(user):
    """The regions a coordinator works in; 404 for anyone who coordinates nothing."""
    _require_coordinator(user)
    return regions_covered_by(user, role=selectors.COORDINATOR)


@login_required
def group_list(request):
    _require_coordinator(request.user)
    groups = GroupFilter(request.GET or None)
    # A bad filter value shows its error and no rows, never an unfiltered list.
    asked = groups.asked() if not groups.is_bound or groups.is_valid() else None
    page = listing.group_list_page(
        request.user,
        asked,
        request.GET.get("page"),
        needs={need.pk: need for need in groups.terms["need"]},
    )
    return render(
        request,
        "groups/group_list.html",
        {"filter": groups, "filter_form": form_html(groups), "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    regions = _coordinator_regions(request.user)
    form = forms.GroupForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(data=form.to_data(), created_by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Group %(code)s created.") % {"code": group.code})
            return redirect("groups:detail", code=group.code)
    return render(request, "groups/group_form.html", {"form": form})


@login_required
def group_detail(request, code):
    group, access = selectors.group_for_user(request.user, code)
    return render(
        request,
        "groups/group_detail.html",
        {"group": group, "access": access, **detail.group_page_data(group, access)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, code):
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not access.edits:
        raise Http404
    if request.method == "GET":  # the form shows the restricted case notes
        selectors.group_read_audit(request.user, group)
    regions = _coordinator_regions(request.user)
    form = forms.GroupForm(
        request.POST or None, regions=regions, initial=forms.GroupForm.initial_for(group)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, data=form.to_data(), updated_by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("groups:detail", code=group.code)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


def _group_action(request, code, allowed, form_class, template, act, picker=None, **form_kwargs):
    """The shape every group action shares: access or 404, a form, a service, back to the group.
    With `picker` (for_lead: True or False), the form checks a picked person against that
    person picker's scope (groups.people)."""
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not allowed(access):
        raise Http404
    if picker is not None:
        form_kwargs["picker"] = people.Picker(request.user, group, access, for_lead=picker)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            message = act(group, form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("groups:detail", code=group.code)
    return render(request, template, {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, code):
    def act(group, form):
        services.member_add(
            group=group, user=form.user, role=form.cleaned_data["role"], added_by=request.user
        )
        return _("%(name)s added to the group.") % {"name": form.user}

    return _group_action(
        request,
        code,
        lambda a: a.manages_members,
        forms.MemberAddForm,
        "groups/member_add.html",
        act,
        picker=False,
    )


@login_required
@require_GET
@never_cache
def people_search(request, code, for_lead=False):
    """GET ?q=<name fragment>[&role=<role>]: the people this user may pick in this group, as
    JSON {"results": [{"id", "name", "detail"}], "more": bool} (at most people.LIMIT; "more"
    when there were others), for the person picker:
    members to add in `role`, or (for_lead) the group's members who may take over the lead.
    404 for whoever may not add members or hand over the lead here; a bad query is a 400 with
    the reason, translated, as {"error": ...}."""
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not (access.hands_over_lead if for_lead else access.manages_members):
        raise Http404
    picker = people.Picker(request.user, group, access, for_lead=for_lead)
    try:
        query = people.clean_query(request.GET.get("q"))
        found = picker.search(
            query, role=None if for_lead else request.GET.get("role"), limit=people.LIMIT + 1
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "results": [person.as_json() for person in found[: people.LIMIT]],
            "more": len(found) > people.LIMIT,
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, code, membership_id):
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not access.manages_members:
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_id,
        group=group,
        left_at__isnull=True,
    )
    if request.method == "POST":
        try:
            services.member_remove(membership=membership, removed_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s has left the group.") % {"name": membership.user})
        return redirect("groups:detail", code=group.code)
    return render(request, "groups/member_remove.html", {"group": group, "membership": membership})


@login_required
@require_http_methods(["GET", "POST"])
def lead_hand_over(request, code):
    def act(group, form):
        services.lead_hand_over(group=group, new_lead=form.user, handed_over_by=request.user)
        return _("%(name)s now leads the group.") % {"name": form.user}

    return _group_action(
        request,
        code,
        lambda a: a.hands_over_lead,
        forms.LeadForm,
        "groups/lead_form.html",
        act,
        picker=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_close(request, code):
    def act(group, form):
        services.group_close(
            group=group, reason=form.cleaned_data["reason"], closed_by=request.user
        )
        return _("The group is closed.")

    return _group_action(
        request, code, lambda a: a.closes, forms.CloseForm, "groups/group_close.html", act
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_reopen(request, code):
    def act(group, form):
        services.group_reopen(
            group=group, reason=form.cleaned_data["reason"], reopened_by=request.user
        )
        return _("The group is open again.")

    return _group_action(
        request, code, lambda a: a.closes, forms.ReopenForm, "groups/group_reopen.html", act
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_create(request, code):
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not access.is_coordinator:
        raise Http404
    form = forms.LearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            login = services.learner_account_create(
                group=group, display_name=form.cleaned_data["display_name"], created_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Shown once, never stored in clear: the coordinator hands it over in person.
            return render(request, "groups/learner_created.html", {"group": group, "login": login})
    return render(request, "groups/learner_form.html", {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def learner_reissue(request, code):
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not access.is_coordinator:
        raise Http404
    if request.method == "POST":
        try:
            login = services.learner_login_reissue(group=group, reissued_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("groups:detail", code=group.code)
        # Shown once, as at creation; the old password and sessions are gone.
        return render(
            request,
            "groups/learner_created.html",
            {"group": group, "login": login, "reissued": True},
        )
    learner = selectors.group_learner(group)
    if learner is None:
        raise Http404
    return render(request, "groups/learner_reissue.html", {"group": group, "learner": learner})


@login_required
def my_groups(request):
    memberships = list(selectors.my_groups(request.user))
    return render(
        request,
        "groups/my_groups.html",
        {
            "current": [m for m in memberships if m.left_at is None],
            "past": [m for m in memberships if m.left_at is not None],
        },
    )
