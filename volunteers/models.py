"""Volunteers and social workers: the vetted real-name profile, service hours and activities.

The mainland ID number is never stored: only a keyed hash (to catch a second registration of the
same person) and a masked form a coordinator can compare with a card held up in front of them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import week
from portal.models import Term


class Skill(Term):
    """What a volunteer, social worker or job asks for; each skill serves some group needs."""

    serves = models.ManyToManyField(
        "groups.Need", blank=True, related_name="skills", verbose_name=_("serves needs")
    )

    class Meta(Term.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Language(Term):
    """Languages and dialects a person can work in (普通话, 粤语, 四川话 ...)."""

    class Meta(Term.Meta):
        verbose_name = _("language or dialect")
        verbose_name_plural = _("languages and dialects")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


# A profile saved with only these fields changed is listed, counted, ordered and matched as
# before: bookkeeping (mail sent, hours confirmed, the calendar link, the pledge read) that the
# queue, the directory and matching never read (volunteers.listing, matching.caching).
BOOKKEEPING_FIELDS = frozenset(
    {"decision_emailed_at", "confirmed_hours", "calendar_token", "updated_at", "pledge_version"}
)


class VolunteerProfile(models.Model):
    """One person's onboarding and vetting record; kept (anonymised) after they leave so their
    confirmed hours still count in the totals."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        SOCIAL_WORKER = "social_worker", _("Social worker")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class Qualification(models.TextChoices):
        ASSISTANT = "assistant", _("Assistant social worker (助理社会工作师)")
        SOCIAL_WORKER = "social_worker", _("Social worker (社会工作师)")
        SENIOR = "senior", _("Senior social worker (高级社会工作师)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_profile",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # HMAC-SHA256 of the normalised ID number (volunteers.identity), never the number itself.
    id_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", verbose_name=_("languages and dialects")
    )
    regions = models.ManyToManyField(
        "portal.Region", blank=True, related_name="+", verbose_name=_("regions served")
    )
    # 21 bits: day * 3 + slot (Monday morning is bit 0, Sunday evening bit 20).
    availability = models.PositiveIntegerField(_("weekly availability"), default=0)
    max_groups = models.PositiveSmallIntegerField(_("groups at most"), default=2)
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    qualification = models.CharField(
        _("qualification level"), max_length=20, choices=Qualification.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    # Juvenile groups are matched only with people a coordinator cleared (volunteers.services.
    # vetting.profile_clear_for_juveniles, audited); who and when are kept with the flag.
    cleared_for_juveniles = models.BooleanField(_("cleared for juveniles"), default=False)
    cleared_for_juveniles_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_for_juveniles_at = models.DateTimeField(
        _("cleared for juveniles at"), null=True, blank=True
    )
    # A plain name until partner organisations exist (then a foreign key to them).
    agency_name = models.CharField(_("agency name"), max_length=100, blank=True)
    pledge_version = models.CharField(_("pledge version"), max_length=20, blank=True)
    pledge_accepted_at = models.DateTimeField(_("pledge accepted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    # Set by the e-mail task; a sweep re-sends decisions whose e-mail never left.
    decision_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_hours = models.DecimalField(
        _("confirmed hours"), max_digits=8, decimal_places=1, default=0
    )
    calendar_token = models.CharField(max_length=40, unique=True, default=new_calendar_token)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["submitted_at", "id"]),
            # Matching's candidate generation: approved people of one kind.
            models.Index(
                fields=["kind", "id"], condition=Q(status="approved"), name="profile_matchable"
            ),
        ]

    def __str__(self):
        if self.user_id:
            return str(self.user)
        return str(_("Former volunteer #%(id)s") % {"id": self.pk})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.NEEDS_CHANGES)

    def availability_slots(self) -> list[tuple[str, list[bool]]]:
        rows = week.week_rows(bool(self.availability >> i & 1) for i in range(week.BITS))
        return [(day, [on for on, _part in cells]) for day, cells in rows]


class Activity(models.Model):
    """A volunteer activity (志愿活动招募) published by a coordinator of its region."""

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="+", verbose_name=_("skills wanted")
    )
    checkin_code = models.CharField(_("check-in code"), max_length=6)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title


class SignUp(models.Model):
    """A person's place on an activity, or on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # Wrong check-in codes in a row, and when the last one came (the limit is per person and
    # activity: volunteers.services.activities.CHECKIN_ATTEMPTS).
    checkin_failures = models.PositiveSmallIntegerField(_("wrong check-in codes"), default=0)
    checkin_failed_at = models.DateTimeField(_("last wrong check-in code"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "profile"], name="signup_once")]

    def __str__(self):
        return f"{self.activity} · {self.profile}"


class ServiceRecord(models.Model):
    """Hours a person served, for a group or an activity; they count once confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.PROTECT, related_name="service_records"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)
    group = models.ForeignKey(
        "groups.CorrectionGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction group"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("activity"),
    )
    # Where the service happened: the group's judicial office or the activity's region.
    region = models.ForeignKey("portal.Region", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "date"]),
            models.Index(fields=["profile", "date"]),
            models.Index(fields=["group", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0.5, hours__lte=12), name="service_hours_in_range"
            )
        ]

    def __str__(self):
        return f"{self.profile} · {self.date} · {self.hours}"


class ServingFacts(models.Model):
    """A copy of one profile's regions, skills and languages, in the shape matching filters on.

    Matching asks who serves a group's office and answers one of its needs for every suggestion
    list. From the link tables that is three joins over everyone serving the office's province,
    city and county (thousands of rows read for some hundreds kept); from here, one look-up in
    two GIN indexes on PostgreSQL (migration 0007). volunteers.serving keeps the rows current.

    Each part is a set of keys, kept as a JSON object ({key: 1}) rather than an array, so the same
    `has_any_keys` filter runs on PostgreSQL (the `?|` operator, indexed) and on SQLite, and
    matching reads the keys back as one text (matching.candidates.keys_text), not as JSON to
    decode a row at a time. Region paths never change once imported (a renamed region keeps
    its path), so a rename leaves these rows right; names are read live."""

    profile = models.OneToOneField(
        VolunteerProfile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="serving_facts",
    )
    regions = models.JSONField(default=dict)  # {region path: 1}
    skills = models.JSONField(default=dict)  # {skill id: 1}
    languages = models.JSONField(default=dict)  # {language id: 1}

    def __str__(self):
        return f"serving facts of profile {self.profile_id}"
