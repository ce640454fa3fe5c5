"""The admin page of the region tree import: upload -> dry-run report -> apply (POST).

Admins only; anyone else gets the same 404 as for a page that does not exist (as staff
administration does), anonymous visitors the login page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.forms import error_messages
from portal.models import RegionImport
from portal.region_import.checks import Report
from portal.region_import.reader import MAX_BYTES
from portal.region_import.services import region_import_apply, region_import_check

RECENT = 10
SECTIONS = (
    ("new", gettext_lazy("New")),
    ("renamed", gettext_lazy("Renamed")),
    ("moved", gettext_lazy("Moved")),
    ("restored", gettext_lazy("In use again")),
    ("retired", gettext_lazy("Retired")),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Region file"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GB18030), CSV.gz or .xlsx with the columns code, name, parent_code, "
            "level (province, city, county, office), each parent before its children; "
            "at most %(mb)d MB."
        )
        % {"mb": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.gz,.xlsx"}),
    )


def _require_admin(user) -> None:
    if not user.is_superuser:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a file; a file that passes the checks goes on to its report, one that fails is
    shown here with its reasons (and nothing was written)."""
    _require_admin(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, label_suffix="")
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report, batch = region_import_check(
            file=upload, file_name=upload.name, checked_by=request.user
        )
        if batch is not None:
            return redirect("staff:regions_import_report", pk=batch.pk)
    recent = RegionImport.objects.select_related("created_by", "applied_by")[:RECENT]
    return render(
        request,
        "portal/region_import/upload.html",
        {"form": form, "report": report, "recent": recent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """The dry run's report, and the button that applies it."""
    _require_admin(request.user)
    batch = get_object_or_404(
        RegionImport.objects.select_related("created_by", "applied_by"), pk=pk
    )
    if request.method == "POST":
        try:
            applied = region_import_apply(batch=batch, applied_by=request.user)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The region tree is updated: %(changes)d changes from %(rows)d rows.")
                % {"changes": applied.changes, "rows": applied.rows},
            )
        return redirect("staff:regions_import_report", pk=batch.pk)
    found = Report.from_json(batch.report)
    sections = [(key, label, found.counts[key], found.examples[key]) for key, label in SECTIONS]
    return render(
        request,
        "portal/region_import/report.html",
        {"batch": batch, "report": found, "sections": sections},
    )
