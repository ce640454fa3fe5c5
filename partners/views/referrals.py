"""Referrals: the lead refers, the organisation answers, both follow the pipeline. Only the
referring group's lead and coordinators and the receiving organisation's members see one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import consents, forms, selectors, services, threads
from partners.models import FollowUp, JobPlacement, Programme
from portal.forms import apply_errors

MODELS = {"job": JobPlacement, "programme": Programme}


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, pk, kind):
    groups = selectors.groups_led_by(request.user)
    if not groups.exists():
        raise Http404
    posting = selectors.posting_for(request.user, MODELS[kind], pk)
    form = forms.ReferralForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                group=form.cleaned_data["group"],
                posting=posting,
                shared=form.shared(),
                note=form.cleaned_data["note"],
                referred_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The group was referred."))
            return redirect("partners:referral", pk=referral.pk)
    return render(
        request,
        "partners/refer.html",
        {
            "form": form,
            "posting": posting,
            "kind": kind,
            "purpose": consents.purpose_of(posting),
            "without_consent": list(consents.groups_without_consent(groups, posting)[:20]),
        },
    )


@login_required
def referral_list(request):
    referrals = selectors.referral_list_for(request.user)
    # ?job=<pk> or ?programme=<pk>: one posting's referrals (the organisation page links here for
    # those beyond the few it shows); a narrowing of what the user may see, never a widening.
    for kind in MODELS:
        pk = request.GET.get(kind, "")
        if pk:
            valid = pk.isascii() and pk.isdigit() and len(pk) < 19  # a bigint
            referrals = referrals.filter(**{kind: int(pk)}) if valid else referrals.none()
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    return render(request, "partners/referral_list.html", {"page": page})


def _move_form(referral, access, data=None):
    if referral.is_final or not (access.is_organisation or access.is_lead):
        return None
    form = forms.MoveForm(data, current=referral.status, as_organisation=access.is_organisation)
    return form if form.fields["status"].choices else None


@login_required
def referral_detail(request, pk):
    referral, access = selectors.referral_for(request.user, pk)
    if access.is_organisation:
        services.referral_mark_viewed(referral=referral, viewed_by=request.user)
    return render(
        request,
        "partners/referral_detail.html",
        {
            "referral": referral,
            "access": access,
            "move_form": _move_form(referral, access),
            "follow_up_form": forms.FollowUpForm(),
            # Whether the user takes part in the referral's conversation (a coordinator sees
            # the referral, not the conversation).
            "talks": threads.place_of(request.user, referral) is not None,
            **selectors.referral_page_data(referral),
        },
    )


@login_required
@require_GET
def referral_conversation(request, pk):
    """The referral's conversation (联系社工 / 联系合作单位), created the first time it is
    opened for a referral made before conversations existed."""
    referral, _access = selectors.referral_for(request.user, pk)
    if threads.place_of(request.user, referral) is None:
        raise Http404
    conversation = threads.thread_for(referral)
    return redirect("messaging:conversation", conversation_id=conversation.pk)


@login_required
@require_POST
def referral_move(request, pk):
    referral, access = selectors.referral_for(request.user, pk)
    form = _move_form(referral, access, request.POST)
    if form is None:
        raise Http404
    if form.is_valid():
        try:
            services.referral_move(
                referral=referral,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                moved_by=request.user,
                as_organisation=access.is_organisation,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The referral moved on."))
    else:
        messages.error(request, _("Choose the next step."))
    return redirect("partners:referral", pk=referral.pk)


@login_required
@require_POST
def follow_up(request, pk, follow_up_id):
    referral, access = selectors.referral_for(request.user, pk)
    if not access.sees_group_details:
        raise Http404
    check = get_object_or_404(FollowUp, pk=follow_up_id, referral=referral)
    check.referral = referral
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_record(
                follow_up=check,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                recorded_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Follow-up recorded."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect("partners:referral", pk=referral.pk)
