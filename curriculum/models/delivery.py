"""How lessons reach correction groups and how learning is counted: assignments, offline
sessions with their attendance roster, online completions, and learning hours per month."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LessonAssignment(models.Model):
    """A lesson a group is to take, given by a rule or by its lead; given once per group."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("Entry lessons (入矫第一课)")
        PRE_RELEASE = "pre_release", _("Before-release lessons (解矫前)")
        OFFENCE = "offence", _("Classified education by offence")
        MONTHLY = "monthly", _("Monthly theme")
        LEAD = "lead", _("Assigned by the lead")

    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="lesson_assignments"
    )
    lesson = models.ForeignKey(
        "curriculum.LessonPage", on_delete=models.CASCADE, related_name="assignments"
    )
    source = models.CharField(_("given by"), max_length=12, choices=Source.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson assignment")
        verbose_name_plural = _("lesson assignments")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "lesson"], name="assignment_once_per_group")
        ]

    def __str__(self):
        return f"{self.group} · {self.lesson_id}"


class LessonSession(models.Model):
    """An offline session (集体教育 or 个别教育): a lesson at a time and place, with a roster of
    the groups taking part. Scheduled in a region so that coordinators there can see it."""

    lesson = models.ForeignKey(
        "curriculum.LessonPage", on_delete=models.PROTECT, related_name="sessions"
    )
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    facilitator = models.CharField(_("facilitator"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson session")
        verbose_name_plural = _("lesson sessions")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at", "reminded_at"])]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place}"

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Attendance(models.Model):
    """One group's line in a session's roster."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Not yet recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(LessonSession, on_delete=models.CASCADE, related_name="roster")
    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.EXPECTED
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["group__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "group"], name="attendance_once_per_group")
        ]

    def __str__(self):
        return f"{self.session} · {self.group} · {self.get_status_display()}"


class LessonStart(models.Model):
    """When a group first opened a lesson online: the time spent is counted from here."""

    group = models.ForeignKey("groups.CorrectionGroup", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("curriculum.LessonPage", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "lesson"], name="lessonstart_once")]

    def __str__(self):
        return f"{self.group_id} · {self.lesson_id} · {self.started_at:%Y-%m-%d %H:%M}"


class LessonCompletion(models.Model):
    """An online lesson completed by a group's learner (or by the lead on their behalf), with the
    quiz result. Recorded once per group and lesson."""

    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="completions"
    )
    lesson = models.ForeignKey(
        "curriculum.LessonPage", on_delete=models.PROTECT, related_name="completions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    on_behalf = models.BooleanField(_("recorded by the lead"), default=False)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    score = models.PositiveSmallIntegerField(_("quiz score (%)"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "lesson"], name="completion_once_per_group")
        ]
        indexes = [models.Index(fields=["group", "completed_at"])]

    def __str__(self):
        return f"{self.group} · {self.lesson_id} · {self.completed_at:%Y-%m-%d}"


class LearningHours(models.Model):
    """A group's learning in one month, online and offline merged into one record; rewritten
    from completions and attendance whenever either changes (curriculum.services.hours)."""

    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="learning_hours"
    )
    # Kept here so a region's report is one indexed range over this table.
    judicial_office = models.ForeignKey("portal.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    online_minutes = models.PositiveIntegerField(_("online minutes"), default=0)
    offline_minutes = models.PositiveIntegerField(_("offline minutes"), default=0)
    total_minutes = models.PositiveIntegerField(_("total minutes"), default=0)
    required_minutes = models.PositiveIntegerField(_("required minutes"), default=0)
    shortfall = models.BooleanField(_("below the requirement"), default=False)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("learning hours")
        verbose_name_plural = _("learning hours")
        ordering = ["-month", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "month"], name="hours_once_per_month")
        ]
        indexes = [models.Index(fields=["month", "judicial_office"])]

    def __str__(self):
        return f"{self.group} · {self.month:%Y-%m} · {self.total_minutes} min"

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 1)
