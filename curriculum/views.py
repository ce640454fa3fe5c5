"""Thin views: access through selectors (404 for anyone who may not see), a service, a page.
The lesson pages themselves are Wagtail pages (curriculum.models.pages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from curriculum import caching, forms, report, selectors, services
from curriculum.filters import LessonFilter
from curriculum.models import LessonPage
from portal import rights
from portal.forms import apply_errors, error_messages

PAGE_SIZE = 25
REPORT_PAGE_SIZE = 50


def lesson_list(request):
    """Published lessons, filtered by stage, audience, offence and delivery; public. The same
    for every visitor who is not logged in: served from the cache until the next publish (not
    a search for words, whose index may be written after the publish)."""
    if request.GET.get("q"):
        return _lesson_list(request)
    return caching.cached_for_anonymous("lessons", _lesson_list, request)


def _lesson_list(request):
    lessons = LessonFilter(
        request.GET or None,
        request=request,
        queryset=selectors.live_lessons()
        .select_related("locale")
        .order_by("-first_published_at", "-pk"),
    )
    rows = lessons.qs if not lessons.is_bound or lessons.is_valid() else lessons.queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "curriculum/lesson_list.html", {"filter": lessons, "page": page})


@login_required
@require_POST
def lesson_complete(request, pk):
    lesson = get_object_or_404(selectors.live_lessons(), pk=pk)
    membership = next(
        (
            m
            for m in selectors.learning_groups(request.user)
            if m.group.code == request.POST.get("group")
        ),
        None,
    )
    if membership is None:
        raise Http404
    answers = {k: v for k, v in request.POST.items() if k.startswith("q")}
    try:
        services.lesson_complete(
            lesson=lesson, group=membership.group, answers=answers, user=request.user
        )
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Lesson completed: %(minutes)s minutes counted.")
            % {"minutes": lesson.duration_minutes},
        )
    return redirect(lesson.url + "#learn")


@login_required
def my_lessons(request):
    return render(
        request, "curriculum/my_lessons.html", {"groups": selectors.my_lessons(request.user)}
    )


@login_required
def group_learning(request, code):
    group, access = selectors.group_learning_for_user(request.user, code)
    return render(
        request,
        "curriculum/group_learning.html",
        {"group": group, "access": access, **selectors.group_learning_data(group)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_assign(request, code):
    group, access = selectors.group_learning_for_user(request.user, code)
    if not access.assigns:
        raise Http404
    form = forms.AssignForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_assign(
                group=group, lesson=form.cleaned_data["lesson"], assigned_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Lesson assigned."))
            return redirect("curriculum:group", code=group.code)
    return render(request, "curriculum/assign_form.html", {"group": group, "form": form})


@login_required
def session_list(request):
    sessions = (
        selectors.sessions_visible_to(request.user)
        .select_related("lesson", "region")
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    can_schedule = selectors.groups_schedulable_by(request.user).exists()
    return render(
        request, "curriculum/session_list.html", {"page": page, "can_schedule": can_schedule}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    groups = selectors.groups_schedulable_by(request.user).filter(status="active")
    if not groups.exists():
        raise Http404
    form = forms.SessionForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(data=form.to_data(), scheduled_by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("curriculum:session", pk=session.pk)
    return render(request, "curriculum/session_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    session = selectors.session_for_user(request.user, pk)
    roster = selectors.session_roster(session, request.user)
    form = forms.AttendanceForm(request.POST or None, roster=roster, length=session.length_minutes)
    if request.method == "POST":
        if not roster:
            raise Http404
        if form.is_valid():
            try:
                services.attendance_record(
                    session=session, rows=form.rows(), recorded_by=request.user
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Attendance recorded."))
                return redirect("curriculum:session", pk=session.pk)
    return render(
        request,
        "curriculum/session_detail.html",
        {"session": session, "form": form, "started": session.starts_at <= timezone.now()},
    )


@login_required
def hours_report(request):
    """Learning hours per group for a region and month, for the region's coordinators."""
    # Read once: for the check, the default region, the form's check and its choices.
    regions = list(selectors.report_regions(request.user))
    if not request.user.is_superuser and not regions:
        raise Http404
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("month", f"{today:%Y-%m}")
    if "region" not in data:
        data["region"] = regions[0].code if regions else ""
    form = forms.ReportForm(data, regions=regions)
    # Observers read the figures only: a group's own learning page is not theirs to open.
    opens_groups = rights.has_right(request.user, rights.GROUPS_VIEW_REGION)
    context = {"form": form, "opens_groups": opens_groups}
    if form.is_valid():
        region, month = form.cleaned_data["region"], form.cleaned_data["month"]
        rows = selectors.hours_report(region, month)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                report.hours_workbook(rows, region=region, month=month),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            filename = f"learning-hours-{region.code}-{month:%Y-%m}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        query = request.GET.copy()
        query.pop("page", None)
        # The same for everyone who may read the region (checked above): cached, as are the
        # rendered rows (hours_report.html), until the month's hours or the groups change.
        summary, generation = caching.report_summary(
            region, month, lambda: selectors.hours_summary(rows)
        )
        paginator = Paginator(rows, REPORT_PAGE_SIZE)
        # The summary has counted the rows already: one scan of the region's groups, not two.
        paginator.count = summary["groups"]
        context.update(
            region=region,
            month=month,
            summary=summary,
            page=paginator.get_page(request.GET.get("page")),
            query=query.urlencode(),
            required=selectors.conf.required_minutes(),
            hours_generation=generation,
            # The form's choices, for its cached rendering (hours_report.html): region names
            # change only with a save of the region, which raises the generation.
            region_choices=",".join(str(r.pk) for r in regions),
            report_seconds=caching.REPORT_SECONDS,
        )
    return render(request, "curriculum/hours_report.html", context)


def lesson_detail_redirect(request, pk):
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=pk)
    return redirect(lesson.url)
