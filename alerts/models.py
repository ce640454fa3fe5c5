"""An alert and one row per person it reaches. Each step of delivery is a timestamp on the
person's row (pushed, delivered to a socket, opened, acknowledged, e-mailed, lead reminded), so
every task can tell what is left to do from the rows alone and may safely run twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX = 500
REPLY_MAX = 100


class Alert(models.Model):
    """An urgent message from a coordinator to the people of a region's groups: a drill (演练)
    or a real event (突发事件), never mistaken for one another."""

    class Reach(models.TextChoices):
        GROUP = "group", _("One group")
        OFFICE = "office", _("The groups of a judicial office")
        COUNTY = "county", _("The groups of a county")
        CITY = "city", _("The groups of a city")
        REGION_STAFF = "region_staff", _("All staff and group leads of a region")

    class Status(models.TextChoices):
        SENT = "sent", _("Open")
        CLOSED = "closed", _("Closed")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sender"),
    )
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    group = models.ForeignKey(
        "groups.CorrectionGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction group"),
    )
    reach = models.CharField(_("reach"), max_length=20, choices=Reach.choices)
    # Only these recipient roles (Recipient.Role values); empty: every role the reach holds.
    roles = models.JSONField(_("roles"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=MESSAGE_MAX)
    is_drill = models.BooleanField(_("drill"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="sent")
    # The compose form's one-time key: a second click on "send" finds the alert of the first.
    idempotency_key = models.CharField(max_length=64)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The after-action figures, computed once when the alert closes and kept with it.
    report = models.JSONField(_("after-action report"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"], name="alert_one_per_submission"
            ),
        ]
        indexes = [
            # "The previous drill of this region" and the region's list.
            models.Index(fields=["region", "is_drill", "-created_at"], name="alert_region_kind"),
            # The sweep: open alerts only.
            models.Index(fields=["created_at"], condition=Q(status="sent"), name="alert_open"),
        ]

    def __str__(self):
        kind = _("Drill") if self.is_drill else _("Real alert")
        return f"{kind} · {self.region} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def kind_label(self) -> str:
        return str(_("Drill") if self.is_drill else _("Real alert"))


class Recipient(models.Model):
    """One person an alert reached, through which group and in which role, and how far it got."""

    class Role(models.TextChoices):
        # The group roles (groups.Membership.Role) a recipient may hold; learners never receive.
        LEAD = "lead", _("Group lead")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        VOLUNTEER = "volunteer", _("Volunteer")
        UNIVERSITY_CONTACT = "university_contact", _("University contact")
        ENTERPRISE_CONTACT = "enterprise_contact", _("Enterprise contact")
        STAFF = "staff", _("Staff")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sent_at = models.DateTimeField(_("pushed"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered to a browser"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reply = models.CharField(_("reply"), max_length=REPLY_MAX, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    lead_reminded_at = models.DateTimeField(_("lead reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_recipient_once"),
        ]
        indexes = [
            # The banner on every page: a person's unacknowledged alerts.
            models.Index(
                fields=["user"], condition=Q(acknowledged_at__isnull=True), name="recipient_open"
            ),
            models.Index(fields=["alert", "group"], name="recipient_alert_group"),
        ]

    def __str__(self):
        return f"{self.alert_id} → {self.user_id}"

    def seconds_to_acknowledge(self) -> float | None:
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.alert.created_at).total_seconds()
