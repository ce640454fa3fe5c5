"""Activities: list, publish, sign up and cancel, check in and out, QR code, "my activities"
and its private iCal feed."""

import io

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from icalendar import Calendar, Event

from portal.forms import apply_errors
from volunteers import forms, selectors, services
from volunteers.models import SignUp, VolunteerProfile
from volunteers.views import PAGE_SIZE, _coordinator_regions, _own_profile


@login_required
def activity_list(request):
    activities = selectors.activities_for(request.user).order_by("starts_at", "id")
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/activity_list.html",
        {"page": page, "is_coordinator": selectors.is_coordinator(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    regions = _coordinator_regions(request.user)
    form = forms.ActivityForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(data=form.to_data(), created_by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Activity published."))
            return redirect("volunteers:activity_detail", pk=activity.pk)
    return render(request, "volunteers/activity_form.html", {"form": form})


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_for(request.user, pk)
    manages = selectors.manages_activity(request.user, activity)
    mine = selectors.own_profile(request.user)
    signup = (
        SignUp.objects.filter(activity=activity, profile=mine).first() if mine is not None else None
    )
    context = {
        "activity": activity,
        "manages": manages,
        "signup": signup,
        "profile": mine,
        "checkin_form": forms.CheckInForm(),
        "skills": list(activity.skills.all()),
    }
    if manages:
        context["signups"] = list(
            activity.signups.exclude(status=SignUp.Status.CANCELLED).select_related("profile__user")
        )
    return render(request, "volunteers/activity_detail.html", context)


@login_required
def activity_qr(request, pk):
    """The check-in QR image, for the organiser to show at the event."""
    activity = selectors.activity_for(request.user, pk)
    if not selectors.manages_activity(request.user, activity):
        raise Http404
    url = request.build_absolute_uri(
        reverse("volunteers:activity_checkin", args=[activity.pk])
        + f"?code={activity.checkin_code}"
    )
    image = qrcode.make(url, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _approved_profile(user) -> VolunteerProfile:
    profile = _own_profile(user)
    if not profile.is_approved:
        raise Http404
    return profile


@login_required
@require_POST
def activity_sign_up(request, pk):
    activity = selectors.activity_for(request.user, pk)
    profile = _approved_profile(request.user)
    try:
        signup, overlaps = services.signup_create(activity=activity, profile=profile)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if signup.status == SignUp.Status.WAITING:
            messages.info(request, _("The activity is full: you are on the waiting list."))
        else:
            messages.success(request, _("You are signed up."))
        for other in overlaps:
            messages.warning(
                request,
                _("Careful: this overlaps with %(title)s, which you also signed up for.")
                % {"title": other.activity.title},
            )
    return redirect("volunteers:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_cancel(request, pk):
    profile = _own_profile(request.user)
    signup = get_object_or_404(SignUp, activity_id=pk, profile=profile)
    try:
        services.signup_cancel(signup=signup, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("volunteers:activity_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def activity_checkin(request, pk):
    """The page the QR code opens: the code is filled in, the person confirms."""
    activity = selectors.activity_for(request.user, pk)
    profile = _approved_profile(request.user)
    form = forms.CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_check_in(
                activity=activity, profile=profile, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("You are checked in."))
            return redirect("volunteers:activity_detail", pk=activity.pk)
    return render(request, "volunteers/activity_checkin.html", {"activity": activity, "form": form})


@login_required
@require_POST
def activity_checkout(request, pk):
    profile = _approved_profile(request.user)
    signup = get_object_or_404(
        SignUp.objects.select_related("activity"), activity_id=pk, profile=profile
    )
    try:
        record = services.activity_check_out(signup=signup)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("Checked out: %(hours)s hours sent for confirmation.") % {"hours": record.hours},
        )
    return redirect("volunteers:activity_detail", pk=pk)


@login_required
def my_activities(request):
    profile = _own_profile(request.user)
    feed = request.build_absolute_uri(reverse("volunteers:calendar", args=[profile.calendar_token]))
    return render(
        request,
        "volunteers/my_activities.html",
        {"signups": selectors.my_signups(profile), "feed": feed, "now": timezone.now()},
    )


def calendar_feed(request, token):
    """A private iCal feed: the token in the URL is the only key, so calendar apps can fetch it
    without a session. Anyone with a wrong token gets 404."""
    profile = VolunteerProfile.objects.filter(calendar_token=token, user__isnull=False).first()
    if profile is None or not token:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//portal//volunteers//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "志愿活动")
    for signup in selectors.my_signups(profile):
        activity = signup.activity
        event = Event()
        event.add("uid", f"activity-{activity.pk}-{profile.pk}@portal")
        event.add("summary", activity.title)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("dtstamp", signup.created_at)
        event.add("location", f"{activity.region.name} {activity.place}")
        if signup.status == SignUp.Status.WAITING:
            event.add("status", "TENTATIVE")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
