"""Affiliations: a volunteer's or social worker's own page (ask, confirm a suggestion, withdraw,
leave) and an agency's or university's page of its affiliated people (decide, end, export)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import export, forms, selectors, services
from partners.models import Affiliation
from portal.forms import apply_errors
from portal.models import AccountKind

PAGE_SIZE = 50


def _person(user):
    """Volunteers and social workers only; everyone else gets 404."""
    if user.kind not in (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER):
        raise Http404
    return selectors.own_profile(user)


@login_required
@require_http_methods(["GET", "POST"])
def my_affiliations(request):
    profile = _person(request.user)
    form = forms.AffiliationRequestForm(
        request.POST or None, organisations=selectors.affiliable_organisations()
    )
    if request.method == "POST" and profile is not None and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.affiliation_request(
                profile=profile, organisation=organisation, requested_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your request was sent to %(name)s.") % {"name": organisation}
            )
            return redirect("partners:my_affiliations")
    affiliations = selectors.affiliations_of(profile) if profile else []
    return render(
        request,
        "partners/my_affiliations.html",
        {
            "profile": profile,
            "form": form,
            "current": [a for a in affiliations if a.is_open],
            "past": [a for a in affiliations if not a.is_open],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def my_affiliation_confirm(request, pk):
    """The person confirms a suggested affiliation: it becomes their request."""
    _person(request.user)
    affiliation = selectors.affiliation_of_person(request.user, pk)
    if affiliation.status != Affiliation.Status.SUGGESTED:
        raise Http404
    try:
        services.affiliation_request(
            profile=affiliation.profile,
            organisation=affiliation.organisation,
            requested_by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your request was sent to %(name)s.") % {"name": affiliation.organisation}
        )
    return redirect("partners:my_affiliations")


@login_required
@require_POST
def my_affiliation_end(request, pk):
    _person(request.user)
    affiliation = selectors.affiliation_of_person(request.user, pk)
    try:
        services.affiliation_end(affiliation=affiliation, ended_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("partners:my_affiliations")


# --- the organisation's side ---------------------------------------------------------------


@login_required
def organisation_affiliations(request, pk):
    organisation, decides = selectors.organisation_for_affiliations(request.user, pk)
    people = Paginator(selectors.affiliated_people(organisation), PAGE_SIZE)
    return render(
        request,
        "partners/organisation_affiliations.html",
        {
            "organisation": organisation,
            "decides": decides,
            "requests": selectors.affiliation_requests(organisation),
            "page": people.get_page(request.GET.get("page")),
        },
    )


@login_required
def organisation_affiliations_export(request, pk):
    organisation, _decides = selectors.organisation_for_affiliations(request.user, pk)
    response = HttpResponse(
        export.affiliations_workbook(selectors.affiliated_people(organisation)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"affiliations-{organisation.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _organisation_affiliation(request, pk, affiliation_id):
    organisation, decides = selectors.organisation_for_affiliations(request.user, pk)
    affiliation = organisation.affiliations.filter(pk=affiliation_id).first()
    if not decides or affiliation is None:
        raise Http404
    return organisation, affiliation


@login_required
@require_POST
def affiliation_decide(request, pk, affiliation_id):
    organisation, affiliation = _organisation_affiliation(request, pk, affiliation_id)
    confirm = request.POST.get("confirm") == "1"
    try:
        services.affiliation_decide(
            affiliation=affiliation, confirm=confirm, decided_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("%(who)s is now affiliated.") if confirm else _("You declined %(who)s's request."))
            % {"who": affiliation.profile},
        )
    return redirect("partners:affiliations", pk=organisation.pk)


@login_required
@require_POST
def affiliation_end(request, pk, affiliation_id):
    organisation, affiliation = _organisation_affiliation(request, pk, affiliation_id)
    try:
        services.affiliation_end(affiliation=affiliation, ended_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The affiliation of %(who)s has ended.") % {"who": affiliation.profile}
        )
    return redirect("partners:affiliations", pk=organisation.pk)
