"""The dashboard pages (thin: parse, check, read, render). Who may see a region's dashboard is
decided once, in selectors.may_see_dashboard; anyone else gets 404."""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dashboards import caching, export, selectors
from dashboards import figures as f
from dashboards import months as m
from portal.models import Region

BODY = "dashboards/includes/board.html"
# The sorts a cached body may have: by region name (""), or by a comparison column.
SORTS = {"", *f.HEADLINE}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _region(request, code: str) -> Region:
    region = get_object_or_404(Region, code=code)
    if not selectors.may_see_dashboard(request.user, region):
        raise Http404
    return region


def _month(request) -> tuple[date, str]:
    """The month asked for (?month=YYYY-MM), this month by default, or an error to show."""
    current = m.this_month()
    text = request.GET.get("month", "").strip()
    if not text:
        return current, ""
    try:
        month = m.parse_month(text)
    except ValueError:
        return current, _("“%(month)s” is not a month: write it as YYYY-MM, e.g. %(example)s.") % {
            "month": text,
            "example": f"{current:%Y-%m}",
        }
    if month > current:
        return current, _("%(month)s has not begun yet; it has no figures.") % {"month": text}
    if month.year < 2000:
        return current, _("There are no figures before 2000.")
    return month, ""


@login_required
def home(request):
    """The widest region the user may see."""
    region = selectors.dashboard_home_region(request.user)
    if region is None:
        raise Http404
    return redirect("dashboards:region", code=region.code)


@login_required
def region_dashboard(request, code):
    region = _region(request, code)  # the reader's right, on every request, before the cache
    month, error = _month(request)
    context = {"region": region, "month": month, "month_text": f"{month:%Y-%m}", "error": error}
    if error:
        return _page(request, context, status=400)
    sort = request.GET.get("sort", "")
    descending = request.GET.get("dir", "desc") != "asc"
    # An unknown sort is shown back in the page (data-sort): such a page is not cached.
    body, slot = caching.read(region, month, sort, descending) if sort in SORTS else (None, None)
    if body is None:
        board = selectors.dashboard(region, month, sort=sort, descending=descending)
        before, after = selectors.months_choice(month)
        body = render_to_string(
            BODY,
            {
                **context,
                "board": board,
                "columns": _sort_links(board, month, sort, descending),
                "comparison": [
                    (child, [child.values[c.key] for c in board.columns])
                    for child in board.comparison
                ],
                "charts": board.charts(),
                "sort": sort,
                "descending": descending,
                "before": before,
                "after": after,
                "this_month": m.this_month(),
            },
        )
        caching.keep(slot, body)
    return _page(request, {**context, "content": mark_safe(body)})  # noqa: S308 - our render


def _page(request, context, *, status=200):
    """The page around a body (or around the error alone)."""
    if "content" not in context:
        context["content"] = render_to_string(BODY, context)
    return render(request, "dashboards/dashboard.html", context, status=status)


def _sort_links(board, month: date, sort: str, descending: bool):
    """(figure, link, aria-sort) per comparison column: a link sorts by it, most first; the
    sorted column's link turns the order round. Works without JavaScript."""
    links = []
    for column, label in zip(board.columns, board.column_labels, strict=True):
        current = column.key == sort
        direction = "asc" if current and descending else "desc"
        state = ("descending" if descending else "ascending") if current else "none"
        link = f"?{urlencode({'month': f'{month:%Y-%m}', 'sort': column.key, 'dir': direction})}"
        links.append((label, link + "#compare", state))
    return links


@login_required
def export_xlsx(request, code):
    region = _region(request, code)
    month, error = _month(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    # Chinese headers whatever language the page was read in: the sheet goes to the committee.
    with translation.override("zh-hans"):
        board = selectors.dashboard(region, month)
        body = export.workbook(board)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{region.code}-{month:%Y-%m}.xlsx"'
    )
    return response


@login_required
def printable(request, code):
    region = _region(request, code)
    month, error = _month(request)
    if error:
        return _page(request, {"region": region, "month": month, "error": error}, status=400)
    board = selectors.dashboard(region, month)
    return render(
        request,
        "dashboards/print.html",
        {"board": board, "region": region, "month": month, "month_text": board.month_text},
    )
