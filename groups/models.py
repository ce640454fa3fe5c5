"""Correction groups hold no identity of the supervised person (DESIGN.md, "Privacy by design"):
a pseudonymous code, where and how they are supervised, what help they need, and what they may
not do. Everything about them is read and written through selectors and services, audited."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Term


class Need(Term):
    """What a group needs help with; volunteers' skills and partners' offers map onto these."""

    class Meta(Term.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Stage(models.TextChoices):
    ENTRY = "entry", _("Entry (入矫)")
    ACTIVE = "active", _("In correction (在矫)")
    PRE_RELEASE = "pre_release", _("Before release (解矫前)")
    RELEASED = "released", _("Released (解矫)")


class SupervisionLevel(models.TextChoices):
    STRICT = "strict", _("Strict")
    ORDINARY = "ordinary", _("Ordinary")
    LENIENT = "lenient", _("Lenient")


class SentenceType(models.TextChoices):
    CONTROL = "control", _("Public surveillance (管制)")
    PROBATION = "probation", _("Probation (缓刑)")
    PAROLE = "parole", _("Parole (假释)")
    OUTSIDE_PRISON = "outside_prison", _("Temporary service outside prison (暂予监外执行)")


class CorrectionGroup(models.Model):
    """The team around one supervised person, known only by its code."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class ClosedReason(models.TextChoices):
        RELEASED = "released", _("Sentence completed (解矫)")
        TERMINATED = "terminated", _("Terminated (终止)")

    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    judicial_office = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("judicial office"),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.ENTRY)
    supervision_level = models.CharField(
        _("supervision level"),
        max_length=10,
        choices=SupervisionLevel.choices,
        default=SupervisionLevel.ORDINARY,
    )
    offence = models.ForeignKey(
        "portal.OffenceCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offence category"),
    )
    sentence_type = models.CharField(
        _("sentence type"), max_length=20, choices=SentenceType.choices
    )
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"))
    is_juvenile = models.BooleanField(_("juvenile"), default=False)
    needs = models.ManyToManyField(
        Need, through="GroupNeed", related_name="+", verbose_name=_("needs")
    )
    # Restrictions (禁止令) and the approved execution area (执行地).
    forbidden_industries = models.ManyToManyField(
        "portal.Industry", blank=True, related_name="+", verbose_name=_("forbidden industries")
    )
    forbidden_places = models.TextField(
        _("forbidden places"),
        blank=True,
        help_text=_("One per line, e.g. 娱乐场所, 中小学校周边."),
    )
    approved_regions = models.ManyToManyField(
        "portal.Region", blank=True, related_name="+", verbose_name=_("approved execution area")
    )
    # What matching compares with people: languages the supervised person works in, and when the
    # group meets (21 bits, day * 3 + part, as VolunteerProfile.availability; 0 = any time).
    languages = models.ManyToManyField(
        "volunteers.Language",
        blank=True,
        related_name="+",
        verbose_name=_("languages and dialects"),
    )
    slots = models.PositiveIntegerField(_("meeting times"), default=0)
    case_notes = models.TextField(
        _("restricted case notes"),
        blank=True,
        help_text=_(
            "Seen only by the group lead and coordinators. Never write names, ID numbers, "
            "phone numbers or addresses here."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    closed_reason = models.CharField(
        _("reason for closing"), max_length=12, choices=ClosedReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The planned end date the lead and coordinators were last reminded of (groups.calendar):
    # each date once, and again when the end date is moved and reached anew.
    end_reminder_for = models.DateField(_("end reminder sent for"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("correction group")
        verbose_name_plural = _("correction groups")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["judicial_office", "status"]),
            models.Index(fields=["status", "planned_end_date"]),
            # The coordinator's list: newest first within the offices in scope.
            models.Index(fields=["judicial_office", "-created_at"], name="group_office_newest"),
            models.Index(fields=["-created_at", "-id"], name="group_newest"),
            # The list with a stage filter: its exact count read from the index alone (~11 ->
            # ~3 ms over a province's 50,000 groups), and a deep page (?page=50) read in the
            # list's order from it rather than by scanning the table (~17 -> ~6 ms).
            models.Index(
                fields=["stage", "judicial_office", "-created_at", "-id"],
                name="group_stage_office_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=models.F("start_date")),
                name="group_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def forbidden_place_list(self) -> list[str]:
        return [p.strip() for p in self.forbidden_places.splitlines() if p.strip()]


class GroupNeed(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    group = models.ForeignKey(CorrectionGroup, on_delete=models.CASCADE, related_name="group_needs")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )

    class Meta:
        ordering = ["priority", "need__position"]
        constraints = [models.UniqueConstraint(fields=["group", "need"], name="groupneed_unique")]
        # The groups with a need (the list's need filter), from the index alone.
        indexes = [models.Index(fields=["need", "group"], name="groupneed_need_group")]

    def __str__(self):
        return f"{self.need} ({self.get_priority_display()})"


class CodeSequence(models.Model):
    """The last number handed out per code prefix (province, county, year). Numbers are taken
    under a row lock and never given back, so a code is never reused, even after deletion."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class Membership(models.Model):
    """Someone's place in a group, from joining to leaving; rows are kept as history."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Group lead")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        VOLUNTEER = "volunteer", _("Volunteer")
        UNIVERSITY_CONTACT = "university_contact", _("University contact")
        ENTERPRISE_CONTACT = "enterprise_contact", _("Enterprise contact")
        LEARNER = "learner", _("Learner")

    group = models.ForeignKey(CorrectionGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(left_at__isnull=True),
                name="membership_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(left_at__isnull=True, role="lead"),
                name="membership_one_active_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "left_at"]),
            models.Index(fields=["group", "left_at"]),
            # "Has no volunteer yet" on every list row.
            models.Index(
                fields=["group"],
                condition=Q(left_at__isnull=True, role="volunteer"),
                name="membership_active_volunteer",
            ),
        ]

    def __str__(self):
        return f"{self.group} · {self.user} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class MatchDecline(models.Model):
    """A suggestion a coordinator or lead turned down for a group: never suggested again."""

    class CandidateKind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        JOB = "job", _("Job placement")
        PROGRAMME = "programme", _("Programme")

    group = models.ForeignKey(CorrectionGroup, on_delete=models.CASCADE, related_name="declines")
    candidate_kind = models.CharField(_("kind"), max_length=20, choices=CandidateKind.choices)
    candidate_id = models.PositiveBigIntegerField(_("candidate"))
    reason = models.CharField(_("reason"), max_length=300)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declined_at = models.DateTimeField(_("declined at"), default=timezone.now)

    class Meta:
        verbose_name = _("declined suggestion")
        verbose_name_plural = _("declined suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "candidate_kind", "candidate_id"], name="matchdecline_unique"
            )
        ]

    def __str__(self):
        return f"{self.group} ✗ {self.candidate_kind}:{self.candidate_id}"


class SuggestionSeen(models.Model):
    """A suggestion the refresh task has already seen for a group, so coordinators are told only
    of new ones. Candidates never see this table (they learn of a match only when accepted)."""

    group = models.ForeignKey(
        CorrectionGroup, on_delete=models.CASCADE, related_name="suggestions_seen"
    )
    candidate_kind = models.CharField(
        _("kind"), max_length=20, choices=MatchDecline.CandidateKind.choices
    )
    candidate_id = models.PositiveBigIntegerField(_("candidate"))
    score = models.FloatField(_("score"))
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion seen")
        verbose_name_plural = _("suggestions seen")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "candidate_kind", "candidate_id"], name="suggestionseen_unique"
            )
        ]

    def __str__(self):
        return f"{self.group} ~ {self.candidate_kind}:{self.candidate_id}"
