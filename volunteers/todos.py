"""To-dos of the volunteers app on the home page (portal.todo): a volunteer's profile steps,
activities nearby, hours to log and star progress; the profiles to vet and hours to confirm of
the people who decide."""

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.models import AccountKind, StaffRole
from portal.todo import CappedCount, Todo, capped_count, progress_steps
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile
from volunteers.selectors import leads_a_group, profiles_visible_to, records_decidable_by
from volunteers.stars import star_progress

Status = VolunteerProfile.Status


def _profile_steps(profile: VolunteerProfile | None) -> Todo | None:
    labels = (
        pgettext("profile step", "Fill in"),
        pgettext("profile step", "Submit"),
        pgettext("profile step", "Under review"),
        pgettext("profile step", "Approved"),
    )
    if profile is None or profile.status in (Status.DRAFT, Status.NEEDS_CHANGES):
        note = _("Changes were asked for; see the reviewer's note.") if profile else ""
        return Todo(
            _("Complete your volunteer profile"),
            reverse("volunteers:profile"),
            note=note,
            steps=progress_steps(labels, 0),
            urgent=True,
        )
    if profile.status == Status.SUBMITTED:
        return Todo(
            _("Your profile is being reviewed"),
            reverse("volunteers:profile"),
            steps=progress_steps(labels, 2),
        )
    return None  # approved (or suspended, rejected, left: the profile page says why)


def _scalar(queryset, function: str, field: str = "pk") -> Subquery:
    """COUNT or SUM of `field` over the whole queryset, as a subquery of one value."""
    return Subquery(queryset.order_by().annotate(v=Func(F(field), function=function)).values("v"))


def _approved(profile: VolunteerProfile) -> list[Todo]:
    now = timezone.now()
    near = Q(pk__in=[])
    for path in profile.regions.values_list("path", flat=True):
        near |= Q(region__path__startswith=path)
    logged = ServiceRecord.objects.filter(profile=profile, activity=OuterRef("activity"))
    to_log = SignUp.objects.filter(
        profile=profile, status=SignUp.Status.CONFIRMED, activity__ends_at__lt=now
    ).filter(~Exists(logged))
    confirmed = ServiceRecord.objects.filter(profile=profile, status=ServiceRecord.Status.CONFIRMED)
    # The three figures in one row (one query, not three). Activities nearby up to
    # portal.todo.CAP ("99+"): a volunteer of a whole province would count them all.
    row = (
        VolunteerProfile.objects.filter(pk=profile.pk)
        .values(
            nearby=CappedCount(Activity.objects.filter(near, starts_at__gte=now)),
            to_log=_scalar(to_log, "COUNT"),
            confirmed=_scalar(confirmed, "SUM", "hours"),
        )
        .get()
    )
    nearby, to_log, confirmed = row["nearby"], row["to_log"], row["confirmed"]
    stars = star_progress(confirmed)
    if stars.next_threshold:
        note = _("%(hours)s hours to star %(next)s") % {
            # Fixed-point: normalize() alone writes 80.0 as "8E+1".
            "hours": format(stars.hours_to_next.normalize(), "f"),
            "next": stars.stars + 1,
        }
    else:
        note = _("The highest star level")
    return [
        Todo.counted(_("Activities near me"), reverse("volunteers:activities"), nearby),
        Todo(_("Hours to log"), reverse("volunteers:hours"), count=to_log, urgent=bool(to_log)),
        Todo(
            _("Stars: %(stars)s of 5") % {"stars": stars.stars},
            reverse("volunteers:hours"),
            note=note,
            percent=stars.percent,
        ),
    ]


def items(user, roles) -> list[Todo]:
    todos = []
    if user.kind in (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER):
        profile = VolunteerProfile.objects.filter(user=user).first()
        step = _profile_steps(profile)
        if step:
            todos.append(step)
        if profile is not None and profile.is_approved:
            todos += _approved(profile)
    coordinator = user.is_superuser or StaffRole.Role.COORDINATOR in roles
    if coordinator:
        # Counted up to portal.todo.CAP ("99+"): a province holds thousands.
        to_vet = capped_count(profiles_visible_to(user).filter(status=Status.SUBMITTED))
        todos.append(Todo.counted(_("Profiles to vet"), reverse("volunteers:queue"), to_vet))
    if coordinator or leads_a_group(user):
        pending = capped_count(
            records_decidable_by(user).filter(status=ServiceRecord.Status.PENDING)
        )
        todos.append(
            Todo.counted(_("Hours to confirm"), reverse("volunteers:hours_review"), pending)
        )
    return todos
