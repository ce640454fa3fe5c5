"""The supervised person's consents to referrals, on a page of the group: its lead and the
coordinators of its region record what the person signed and withdraw it; everyone else 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partners import consents, forms, services
from partners.models import Consent
from portal.converters import query_id
from portal.forms import apply_errors


@login_required
@require_http_methods(["GET", "POST"])
def consent_list(request, code):
    # Reading the page is reading the group's record: audited like the group's own page.
    group, _access = consents.group_for_consents(request.user, code, audit=request.method == "GET")
    organisations = consents.consent_organisations()
    initial = {"given_on": timezone.localdate()}
    if organisation := query_id(request.GET, "organisation"):
        initial["organisation"] = organisation
    if request.GET.get("purpose") in Consent.Purpose.values:
        initial["purpose"] = request.GET["purpose"]
    form = forms.ConsentForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                group=group,
                organisation=form.cleaned_data["organisation"],
                purpose=form.cleaned_data["purpose"],
                scope=form.cleaned_data["scope"],
                given_on=form.cleaned_data["given_on"],
                recorded_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("partners:consents", code=group.code)
    return render(
        request,
        "partners/consents.html",
        {"group": group, "consents": list(consents.consents_of(group)), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, code, pk):
    group, _access = consents.group_for_consents(request.user, code, audit=False)
    consent = consents.consent_of_group(group, pk)
    if request.method == "POST":
        try:
            services.consent_withdraw(consent=consent, withdrawn_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The consent is withdrawn: %(org)s's referrals and access to the group ended.")
                % {"org": consent.organisation},
            )
        return redirect("partners:consents", code=group.code)
    return render(request, "partners/consent_withdraw.html", {"group": group, "consent": consent})
