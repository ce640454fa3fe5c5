"""Organisations: register, manage, verify, invite, join, leave. Members manage only their own;
verification is for coordinators of the organisation's region and admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import dashboard, forms, selectors, services
from partners.models import Invitation, JoinRequest, Organisation, OrganisationMember
from portal.forms import apply_errors
from portal.models import AccountKind
from portal.selectors import regions_covered_by


@login_required
def my_organisations(request):
    memberships = list(selectors.memberships_of(request.user))
    return render(
        request,
        "partners/my_organisations.html",
        {
            "memberships": memberships,
            "is_partner": request.user.kind == AccountKind.PARTNER,
            "organisations": selectors.verified_organisations()
            .exclude(pk__in=[m.organisation_id for m in memberships])
            .select_related("region")[:200],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    if request.user.kind != AccountKind.PARTNER:
        raise Http404
    form = forms.OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                data=form.data_for_service(),
                registered_by=request.user,
                licence=form.cleaned_data.get("licence"),
                logo=form.cleaned_data.get("logo"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered and awaits verification.") % {"name": organisation},
            )
            return redirect("partners:manage", pk=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form})


@login_required
def organisation_manage(request, pk):
    organisation, membership = selectors.organisation_for_member(request.user, pk)
    return render(
        request,
        "partners/organisation_manage.html",
        {
            "organisation": organisation,
            "membership": membership,
            "licence_form": forms.LicenceForm(),
            "invite_form": forms.InviteForm(),
            **dashboard.organisation_dashboard(organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation, _membership = selectors.organisation_for_member(request.user, pk)
    form = forms.OrganisationForm(
        request.POST or None,
        request.FILES or None,
        registering=False,
        initial=forms.OrganisationForm.initial_for(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                data=form.data_for_service(),
                updated_by=request.user,
                logo=form.cleaned_data.get("logo"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("partners:manage", pk=organisation.pk)
    return render(
        request, "partners/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def licence_upload(request, pk):
    organisation, _membership = selectors.organisation_for_member(request.user, pk)
    form = forms.LicenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.licence_upload(
                organisation=organisation,
                upload=form.cleaned_data["licence"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Licence uploaded; a coordinator will check it."))
            return redirect("partners:manage", pk=organisation.pk)
    return render(
        request,
        "partners/organisation_manage.html",
        {
            "organisation": organisation,
            "membership": _membership,
            "licence_form": form,
            "invite_form": forms.InviteForm(),
            **dashboard.organisation_dashboard(organisation),
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, pk):
    organisation, _membership = selectors.organisation_for_member(request.user, pk)
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("partners:manage", pk=organisation.pk)
    return render(request, "partners/simple_form.html", {
        "form": form, "organisation": organisation, "title": _("Invite a member"),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation})
            return redirect("partners:manage", pk=invitation.organisation_id)
    return render(request, "partners/invitation.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def join_request(request, pk):
    if request.user.kind != AccountKind.PARTNER:
        raise Http404
    organisation = selectors.organisation_public(pk)
    form = forms.JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                organisation=organisation, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your request was sent to %(name)s.") % {"name": organisation}
            )
            return redirect("partners:mine")
    return render(request, "partners/simple_form.html", {
        "form": form, "organisation": organisation,
        "title": _("Ask to join %(name)s") % {"name": organisation},
    })  # fmt: skip


@login_required
@require_POST
def join_request_decide(request, pk, request_id):
    organisation, _membership = selectors.organisation_for_member(request.user, pk)
    join = get_object_or_404(JoinRequest, pk=request_id, organisation=organisation)
    try:
        services.join_request_decide(
            join_request=join, approve=request.POST.get("approve") == "1", decided_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("partners:manage", pk=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, pk):
    organisation, membership = selectors.organisation_for_member(request.user, pk)
    if request.method == "POST":
        try:
            services.member_leave(membership=membership, left_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("partners:manage", pk=organisation.pk)
        messages.success(request, _("You have left %(name)s.") % {"name": organisation})
        return redirect("partners:mine")
    return render(request, "partners/leave.html", {"organisation": organisation})


def organisation_detail(request, pk):
    organisation = selectors.organisation_public(pk)
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "jobs": selectors.public_jobs().filter(organisation=organisation)[:50],
            "programmes": selectors.public_programmes().filter(organisation=organisation)[:50],
        },
    )


# --- verification ---------------------------------------------------------------------------


def _verifier_or_404(user):
    if not user.is_superuser and not regions_covered_by(user, role=selectors.COORDINATOR).exists():
        raise Http404


@login_required
def verification_queue(request):
    _verifier_or_404(request.user)
    organisations = selectors.organisations_to_verify(request.user)
    return render(
        request,
        "partners/verification_queue.html",
        {
            "pending": list(organisations.filter(status=Organisation.Status.PENDING)[:200]),
            "recent": list(organisations.exclude(status=Organisation.Status.PENDING)[:50]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request, pk):
    organisation = selectors.organisation_for_verifier(request.user, pk)
    reject_form = forms.RejectForm(
        request.POST if request.POST.get("decision") == "reject" else None
    )
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "verify":
                services.organisation_verify(organisation=organisation, verified_by=request.user)
                messages.success(request, _("%(name)s is verified.") % {"name": organisation})
                return redirect("partners:verification")
            if reject_form.is_valid():
                services.organisation_reject(
                    organisation=organisation,
                    reason=reject_form.cleaned_data["reason"],
                    rejected_by=request.user,
                )
                messages.success(request, _("%(name)s was not verified.") % {"name": organisation})
                return redirect("partners:verification")
        except ValidationError as error:
            apply_errors(reject_form, error)
    owners = OrganisationMember.objects.filter(
        organisation=organisation, left_at__isnull=True
    ).select_related("user")
    return render(
        request,
        "partners/verify.html",
        {"organisation": organisation, "reject_form": reject_form, "members": owners},
    )


@login_required
def licence_file(request, pk):
    """The licence, to verifiers only; never through MEDIA_URL."""
    organisation = selectors.organisation_for_verifier(request.user, pk)
    if not organisation.licence:
        raise Http404
    response = FileResponse(
        organisation.licence.open("rb"), content_type=organisation.licence_content_type
    )
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
