"""Universities, enterprises and agencies (DESIGN.md, "partners"): organisations and their
members, the job placements and programmes they offer, and the referrals of correction groups
to them. An organisation never sees a group's identity: a referral carries the group's
pseudonymous code and only the facts the referring lead chose to share."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.credit_code import validate_credit_code
from portal.storage import partners_storage


class Organisation(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        ENTERPRISE = "enterprise", _("Enterprise")
        AGENCY = "agency", _("Social-work agency")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not verified")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The licence (营业执照 or 登记证书) is private: see portal.storage.
    licence = models.FileField(
        _("licence"), upload_to="licences/", storage=partners_storage, blank=True
    )
    licence_content_type = models.CharField(max_length=40, blank=True)
    licence_uploaded_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class OrganisationMember(models.Model):
    """Someone's place in an organisation; rows are kept as history after leaving."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(left_at__isnull=True),
                name="orgmember_one_active",
            )
        ]
        indexes = [models.Index(fields=["user", "left_at"])]

    def __str__(self):
        return f"{self.organisation} · {self.user}"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class Posting(models.Model):
    """What job placements and programmes share: an offer of an organisation, open for a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        FILLED = "filled", _("Filled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), help_text=_("Sanitised HTML."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("closing date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-opens_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on


class JobPlacement(Posting):
    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        PART_TIME = "part_time", _("Part time")
        TEMPORARY = "temporary", _("Temporary")
        INTERNSHIP = "internship", _("Internship / apprenticeship")

    industry = models.ForeignKey(
        "portal.Industry", on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    work_locations = models.ManyToManyField(
        "portal.Region", related_name="+", verbose_name=_("work locations")
    )
    positions = models.PositiveSmallIntegerField(_("number of positions"), default=1)
    salary_min = models.PositiveIntegerField(_("monthly salary from (yuan)"))
    salary_max = models.PositiveIntegerField(_("monthly salary to (yuan)"))
    employment_type = models.CharField(
        _("employment type"), max_length=12, choices=EmploymentType.choices
    )
    hours = models.CharField(_("working hours"), max_length=100)
    requirements = models.ManyToManyField(
        "volunteers.Skill", blank=True, related_name="+", verbose_name=_("required skills")
    )
    housing = models.BooleanField(_("housing provided"), default=False)
    meals = models.BooleanField(_("meals provided"), default=False)
    training = models.BooleanField(_("training provided"), default=False)
    fair_chance_statement = models.TextField(_("fair-chance statement"), blank=True)
    excluded_offences = models.ManyToManyField(
        "portal.OffenceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("offence categories we cannot accept"),
    )

    class Meta(Posting.Meta):
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        indexes = [
            models.Index(fields=["status", "closes_on"]),
            models.Index(fields=["industry", "status"]),
            # The public list's order (newest first) among open jobs: its first page reads 20
            # rows of this index instead of sorting every open job of the province.
            models.Index(
                fields=["-opens_on", "-id"],
                condition=Q(status="open"),
                name="partners_job_open_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__lte=models.F("salary_max")), name="job_salary_in_order"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")), name="job_dates_in_order"
            ),
        ]


class Programme(Posting):
    class Kind(models.TextChoices):
        LEGAL_AID = "legal_aid", _("Legal aid")
        COUNSELLING = "counselling", _("Psychological counselling")
        VOCATIONAL = "vocational", _("Vocational training")
        ACADEMIC = "academic", _("Academic education")
        FAMILY = "family", _("Family education")
        RESEARCH = "research", _("Research partnership")

    kind = models.CharField(_("programme type"), max_length=12, choices=Kind.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=10)
    regions = models.ManyToManyField("portal.Region", related_name="+", verbose_name=_("regions"))
    schedule = models.CharField(_("schedule"), max_length=200)

    class Meta(Posting.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [models.Index(fields=["status", "closes_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("closes_on")), name="programme_dates_in_order"
            ),
        ]


class Consent(models.Model):
    """The supervised person's consent to the group being referred to one organisation for one
    purpose. A criminal record is sensitive personal information (PIPL art. 29: separate
    consent): the person signs on paper, the group's lead (or a coordinator of its region)
    records here when, for what and within which scope, and keeps the paper. Without a live
    consent a referral to the organisation is refused; withdrawing it withdraws the referrals it
    covered and ends the organisation's contacts' places in the group at once."""

    class Purpose(models.TextChoices):
        JOBS = "jobs", _("Job referrals (就业推荐)")
        PROGRAMMES = "programmes", _("Support programmes (帮扶项目)")

    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="referral_consents"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("organisation"),
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    scope = models.TextField(
        _("scope"),
        max_length=500,
        help_text=_(
            "What the person agreed the organisation may learn and do, as on the signed form. "
            "Never write names, ID numbers, phone numbers or addresses here."
        ),
    )
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent to referrals")
        verbose_name_plural = _("consents to referrals")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_live",
            )
        ]

    def __str__(self):
        return f"{self.group} · {self.organisation} · {self.get_purpose_display()}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class Referral(models.Model):
    """A group referred to one job or one programme, under its pseudonym."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        VIEWED = "viewed", _("Viewed")
        INTERVIEW = "interview", _("Interview")
        OFFERED = "offered", _("Offered")
        HIRED = "hired", _("Hired")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="referrals"
    )
    job = models.ForeignKey(
        JobPlacement, on_delete=models.CASCADE, null=True, blank=True, related_name="referrals"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="referrals"
    )
    # Denormalised from the posting: "every referral of this organisation" is one indexed query.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referrals"
    )
    # The person's consent the referral was made under (erased facts and withdrawn with it).
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    # Only what the lead chose to share: {"skills": [...], "availability": "...", ...}.
    shared = models.JSONField(_("shared facts"), default=dict, blank=True)
    note = models.TextField(_("note to the organisation"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REFERRED
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    respond_by = models.DateTimeField(_("response due"))
    responded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    FINAL = (Status.HIRED, Status.DECLINED, Status.WITHDRAWN)
    AWAITING_RESPONSE = (Status.REFERRED, Status.VIEWED)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "respond_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(job__isnull=True, programme__isnull=False)
                | Q(job__isnull=False, programme__isnull=True),
                name="referral_one_posting",
            ),
            # Two live referrals of one group to one posting are refused (the service says why).
            models.UniqueConstraint(
                fields=["group", "job"],
                condition=Q(job__isnull=False) & ~Q(status__in=["declined", "withdrawn"]),
                name="referral_one_live_per_job",
            ),
            models.UniqueConstraint(
                fields=["group", "programme"],
                condition=Q(programme__isnull=False) & ~Q(status__in=["declined", "withdrawn"]),
                name="referral_one_live_per_programme",
            ),
        ]

    def __str__(self):
        return f"{self.group} → {self.posting}"

    @property
    def posting(self):
        return self.job if self.job_id else self.programme

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


class ReferralStep(models.Model):
    """The referral's history, one row per move, shown to everyone who sees the referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.referral_id} {self.status}"


class FollowUp(models.Model):
    """A check after hiring (30 and 90 days): is the person still employed?"""

    class Outcome(models.TextChoices):
        EMPLOYED = "employed", _("Still employed")
        LEFT = "left", _("No longer employed")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    days = models.PositiveSmallIntegerField(_("days after hiring"))
    due_on = models.DateField(_("due on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on", "notified_at"])]
        constraints = [models.UniqueConstraint(fields=["referral", "days"], name="followup_unique")]

    def __str__(self):
        return f"{self.referral_id} +{self.days}d"

    @property
    def is_due(self) -> bool:
        return not self.outcome and self.due_on <= timezone.localdate()


class Affiliation(models.Model):
    """A volunteer's or social worker's tie to an agency or university (issue: a person may
    belong to a 社工机构 or volunteer association). The person asks, the organisation's owner
    confirms; from then on the organisation sees the person's confirmed service hours and how
    many groups they serve in, never which groups."""

    class Status(models.TextChoices):
        # Found from the free-text agency name a profile had before affiliations existed: the
        # person confirms the request (then the organisation decides) or dismisses it.
        SUGGESTED = "suggested", _("Suggested")
        REQUESTED = "requested", _("Awaiting the organisation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    OPEN = (Status.SUGGESTED, Status.REQUESTED, Status.CONFIRMED)
    # The organisations people belong to; enterprises employ, they do not affiliate volunteers.
    KINDS = (Organisation.Kind.AGENCY, Organisation.Kind.UNIVERSITY, Organisation.Kind.OTHER)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    profile = models.ForeignKey(
        "volunteers.VolunteerProfile", on_delete=models.CASCADE, related_name="affiliations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    suggested_from = models.CharField(_("agency name on the profile"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["profile", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "profile"],
                condition=Q(status__in=["suggested", "requested", "confirmed"]),
                name="affiliation_one_open",
            )
        ]

    def __str__(self):
        return f"{self.profile} · {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
