"""Conversations (one room per correction group, direct threads between two members of a group),
their messages, read positions and reports, and the notifications every app stores through
messaging.services.notify()."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.storage import messaging_storage


class Notification(models.Model):
    """Something a person should know about, kept until read: a vetting decision, a new match,
    a referral step, a lesson assigned, a message while away, a mention."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self):
        return self.title


class NotificationSetting(models.Model):
    """How long a notification may stay unread before it goes into an e-mail digest."""

    class Delay(models.IntegerChoices):
        NEVER = 0, _("Never e-mail me")
        QUARTER = 15, _("After 15 minutes")
        HOUR = 60, _("After 1 hour")
        FOUR_HOURS = 240, _("After 4 hours")
        DAY = 1440, _("After 1 day")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    digest_delay = models.PositiveIntegerField(
        _("e-mail unread notifications"), choices=Delay.choices, default=Delay.HOUR
    )

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"{self.user}: {self.get_digest_delay_display()}"


class Conversation(models.Model):
    """A room (every active member of a group), a direct thread (two members of a group), or a
    referral thread (the people on both sides of a partner referral of the group).

    Who takes part is never stored: it follows the group's memberships, so a member who leaves
    leaves the room and their direct threads at once; a referral thread asks the app that owns
    the referral (messaging.subjects), which answers from the same kind of live rows."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Group room")
        DIRECT = "direct", _("Direct thread")
        REFERRAL = "referral", _("Referral thread")

    # Kinds whose participants an app above answers for (messaging.subjects).
    SUBJECT_KINDS = (Kind.REFERRAL,)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        "groups.CorrectionGroup", on_delete=models.CASCADE, related_name="conversations"
    )
    # Direct threads only, the smaller user id first so a pair has one thread per group.
    user_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Subject threads only: the id of the subject (a referral) in the app that owns the kind; no
    # foreign key, since messaging sits below that app.
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(kind="room"), name="conversation_one_room_per_group"
            ),
            models.UniqueConstraint(
                fields=["group", "user_a", "user_b"],
                condition=Q(kind="direct"),
                name="conversation_one_direct_per_pair",
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="conversation_one_per_subject",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="room",
                        user_a__isnull=True,
                        user_b__isnull=True,
                        subject_id__isnull=True,
                    )
                )
                | Q(kind="direct", user_a__lt=F("user_b"), subject_id__isnull=True)
                | Q(
                    kind="referral",
                    user_a__isnull=True,
                    user_b__isnull=True,
                    subject_id__isnull=False,
                ),
                name="conversation_kind_fits_users",
            ),
        ]
        indexes = [models.Index(fields=["user_a"]), models.Index(fields=["user_b"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_room(self) -> bool:
        return self.kind == self.Kind.ROOM

    @property
    def is_subject(self) -> bool:
        return self.kind in self.SUBJECT_KINDS


def attachment_path(message, filename: str) -> str:
    # Never the uploaded name (it may carry a person's name): a random one, kept apart per room.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"messaging/{message.conversation_id}/{uuid.uuid4().hex}.{suffix[:8]}"


class Message(models.Model):
    """One message. Its id orders the conversation: ids are handed out under the conversation's
    row lock, so a client that saw id N has seen every message below N."""

    id = models.BigAutoField(primary_key=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=2000, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, blank=True, storage=messaging_storage
    )
    attachment_name = models.CharField(_("attachment name"), max_length=120, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The sender's own name for this message (the browser's outbox makes one per message), so a
    # message sent again after a lost acknowledgement is stored once; empty when not given.
    client_id = models.CharField(_("client id"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=~Q(client_id=""),
                name="message_client_id_once_per_sender",
            )
        ]

    def __str__(self):
        return f"{self.pk}: {self.body[:40]}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class ReadPosition(models.Model):
    """The last message id a person has read in a conversation; unread = ids above it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_positions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="readposition_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.conversation_id}: {self.last_read_id}"


class MessageReport(models.Model):
    """A participant's report of a message, for the group lead and coordinators to look at."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="report_once_per_person")
        ]

    def __str__(self):
        return f"{self.message_id}: {self.reason[:40]}"
