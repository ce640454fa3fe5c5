"""Job placements and programmes: public lists and pages, and their organisation's forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template import Context
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import forms, listing, selectors, services
from partners.filters import JobFilter, ProgrammeFilter
from partners.models import JobPlacement, Programme
from portal.forms import apply_errors

PAGE_SIZE = 20
KINDS = {
    "job": (JobPlacement, forms.JobForm, JobFilter, selectors.public_jobs, "partners:job"),
    "programme": (
        Programme,
        forms.ProgrammeForm,
        ProgrammeFilter,
        selectors.public_programmes,
        "partners:programme",
    ),
}


def _list(request, kind):
    context = {"kind": kind}
    body, slot = listing.read(request, kind)
    if body is None:
        model, _form, filter_class, rows, _url = KINDS[kind]
        found = filter_class(request.GET or None, queryset=rows(), request=request)
        # A bad filter value shows its error and no rows, never an unfiltered list.
        valid = not found.is_bound or found.is_valid()
        rows = found.qs if valid else found.queryset.none()
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(filter=found, page=page)
        # The body alone, without the context processors (the page's own render runs them): it
        # holds nothing of the reader, so every visitor may be served it (partners.listing).
        body_context = Context({**context, "request": request})
        body_context.request = request  # {% querystring %} reads the request from here
        body = get_template(f"partners/_{kind}_list_body.html").template.render(body_context)
        if valid:  # a wrong value's errors are not kept (anyone may type any)
            listing.keep(slot, body)
    return render(request, f"partners/{kind}_list.html", {**context, "body": body})


def job_list(request):
    return _list(request, "job")


def programme_list(request):
    return _list(request, "programme")


def _detail(request, kind, pk):
    model = KINDS[kind][0]
    posting = selectors.posting_for(request.user, model, pk)
    is_member = (
        request.user.is_authenticated
        and selectors.memberships_of(request.user)
        .filter(organisation=posting.organisation)
        .exists()
    )
    context = {"posting": posting, "kind": kind, "is_member": is_member}
    if kind == "job":
        context.update(
            locations=list(posting.work_locations.all()),
            requirements=list(posting.requirements.all()),
            excluded=list(posting.excluded_offences.all()),
        )
    else:
        context["regions"] = list(posting.regions.all())
    context["can_refer"] = posting.is_open and selectors.groups_led_by(request.user).exists()
    return render(request, f"partners/{kind}_detail.html", context)


def job_detail(request, pk):
    return _detail(request, "job", pk)


def programme_detail(request, pk):
    return _detail(request, "programme", pk)


def _save(request, kind, *, organisation=None, posting=None):
    model, form_class, *_rest = KINDS[kind]
    initial = form_class.initial_for(posting) if posting else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_save(
                model=model,
                data=form.data_for_service(),
                saved_by=request.user,
                organisation=organisation,
                posting=posting,
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(KINDS[kind][4], pk=posting.pk)
    return render(
        request,
        "partners/posting_form.html",
        {
            "form": form,
            "kind": kind,
            "posting": posting,
            "organisation": organisation or posting.organisation,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request, pk, kind):
    organisation, _membership = selectors.organisation_for_member(request.user, pk)
    return _save(request, kind, organisation=organisation)


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request, pk, kind):
    posting = selectors.posting_for_member(request.user, KINDS[kind][0], pk)
    return _save(request, kind, posting=posting)


@login_required
@require_POST
def posting_status(request, pk, kind):
    posting = selectors.posting_for_member(request.user, KINDS[kind][0], pk)
    try:
        services.posting_set_status(
            posting=posting, status=request.POST.get("status", ""), changed_by=request.user
        )
    except (ValidationError, ValueError) as error:
        messages.error(
            request, " ".join(getattr(error, "messages", [_("This step is not possible.")]))
        )
    else:
        messages.success(request, _("Status changed to %(status)s.") % {
            "status": posting.get_status_display()})  # fmt: skip
    return redirect(KINDS[kind][4], pk=posting.pk)
