"""Alert pages: compose → confirm (how many people) → send; the live board; closing and the
after-action report (page and workbook); a recipient's acknowledgement. Coordinators of the
region and admins manage alerts; everyone else gets 404 (anonymous visitors the login page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts import export, figures, selectors, services
from alerts.forms import QUICK_REPLIES, AcknowledgeForm, AlertForm, Scope, new_key
from alerts.models import Alert, Recipient
from portal.forms import apply_errors, error_messages

BOARD_GROUPS_PER_PAGE = 50
LIST_ROWS = 50


def _sender(request):
    """Coordinators and admins; 404 for anyone who may send no alert anywhere."""
    if not selectors.may_send(request.user):
        raise Http404
    return request.user


@login_required
@require_GET
def alert_list(request):
    user = _sender(request)
    alerts = selectors.alerts_managed_by(user)
    return render(
        request,
        "alerts/list.html",
        {
            # Drills and real alerts are never mixed, in any list or figure.
            "sections": [
                (_("Real alerts"), alerts.filter(is_drill=False)[:LIST_ROWS], False),
                (_("Drills"), alerts.filter(is_drill=True)[:LIST_ROWS], True),
            ]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_new(request):
    user = _sender(request)
    regions = selectors.sendable_regions(user)
    if request.method == "GET":
        form = AlertForm(initial={"key": new_key()}, regions=regions)
        return render(request, "alerts/compose.html", {"form": form})
    form = AlertForm(request.POST, regions=regions)
    if not form.is_valid() or "edit" in request.POST:
        return render(request, "alerts/compose.html", {"form": form})
    data = form.alert_data()
    try:
        if "confirm" not in request.POST:
            found = services.alert_check(sender=user, data=data)
            return render(request, "alerts/confirm.html", _confirmation(form, data, len(found)))
        alert, created = services.alert_send(sender=user, data=data, key=form.cleaned_data["key"])
    except PermissionDenied as refusal:
        form.add_error("region", str(refusal))
    except ValidationError as error:
        apply_errors(form, error)
    else:
        if created:
            messages.success(
                request,
                _("%(kind)s sent to %(count)d people.")
                % {"kind": alert.kind_label, "count": alert.recipient_count},
            )
        else:
            messages.info(request, _("This alert was already sent; here is its board."))
        return redirect("alerts:board", alert.pk)
    return render(request, "alerts/compose.html", {"form": form})


def _confirmation(form, data, count) -> dict:
    roles = dict(Recipient.Role.choices)
    return {
        "form": form,
        "data": data,
        "count": count,
        "scope_label": dict(Scope.CHOICES)[form.cleaned_data["scope"]],
        "role_labels": [roles[r] for r in data.reach.roles],
    }


@login_required
@require_GET
def alert_board(request, alert_id):
    alert = selectors.alert_for_manager(request.user, alert_id)
    page = Paginator(selectors.board_groups(alert), BOARD_GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    people = selectors.board_people(alert, [row["group_id"] for row in rows])
    for row in rows:
        row["people"] = [p for p in people if p.group_id == row["group_id"]]
    summary = alert.report["summary"] if alert.report else figures.summary(alert)
    return render(
        request,
        "alerts/board.html",
        {
            "alert": alert,
            "summary": summary,
            "previous": alert.report["previous"] if alert.report else figures.previous(alert),
            "page": page,
            "rows": rows,
            "live": alert.is_open and alert.sender_id == request.user.pk,
        },
    )


@login_required
@require_POST
def alert_close(request, alert_id):
    alert = selectors.alert_for_manager(request.user, alert_id)
    try:
        services.alert_close(alert=alert, closed_by=request.user)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return redirect("alerts:board", alert.pk)
    messages.success(request, _("The alert is closed; its after-action report is below."))
    return redirect("alerts:report", alert.pk)


def _not_closed_yet(request, alert: Alert):
    messages.info(request, _("The after-action report is made when the alert is closed."))
    return redirect("alerts:board", alert.pk)


@login_required
@require_GET
def alert_report(request, alert_id):
    alert = selectors.alert_for_manager(request.user, alert_id)
    if alert.report is None:
        return _not_closed_yet(request, alert)
    report = alert.report
    roles = dict(Recipient.Role.choices)
    return render(
        request,
        "alerts/report.html",
        {
            "alert": alert,
            "summary": report["summary"],
            "previous": report["previous"],
            "groups": report["groups"],
            "roles": [
                {**row, "label": roles.get(row["role"], row["role"])} for row in report["roles"]
            ],
            "acknowledgements": selectors.acknowledgements(alert),
            "shown": selectors.REPORT_ROWS,
        },
    )


@login_required
@require_GET
def alert_report_xlsx(request, alert_id):
    alert = selectors.alert_for_manager(request.user, alert_id)
    if alert.report is None:
        return _not_closed_yet(request, alert)
    services.report_exported(alert=alert, user=request.user)
    response = HttpResponse(
        export.report_workbook(alert),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    kind = "drill" if alert.is_drill else "alert"
    stamp = timezone.localtime(alert.created_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{alert.pk}-{stamp}.xlsx"'
    return response


def _next(request) -> str:
    """The page the banner was on: a path of this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_http_methods(["GET", "POST"])
def alert_acknowledge(request, alert_id):
    """A recipient's page of the alert (the e-mail links here), and where the banner's form
    posts: a plain form, so acknowledging works without JavaScript."""
    recipient = selectors.recipient_of(request.user, alert_id)
    if request.method == "GET" and recipient.opened_at is None:
        services.recipients_opened(recipients=[recipient])
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recipient_acknowledge(
                alert_id=alert_id, user=request.user, reply=form.cleaned_data["reply"]
            )
        except ValidationError as error:
            if _wants_json(request):
                return JsonResponse({"ok": False, "errors": error_messages(error)}, status=409)
            apply_errors(form, error)
        else:
            if _wants_json(request):
                return JsonResponse({"ok": True})
            messages.success(request, _("Acknowledged. Thank you."))
            return HttpResponseRedirect(_next(request))  # a path, never a view name
    elif request.method == "POST" and _wants_json(request):
        return JsonResponse({"ok": False, "errors": form.errors.get("reply", [])}, status=400)
    return render(
        request,
        "alerts/acknowledge.html",
        {
            "recipient": recipient,
            "alert": recipient.alert,
            "form": form,
            "quick": QUICK_REPLIES,
            "alert_banner_hidden": True,  # this page is the alert itself
        },
    )
