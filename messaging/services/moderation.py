"""Reports and hiding: a participant reports a message; the group's lead or a coordinator of
its region hides it. Both are audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership
from messaging import broadcast
from messaging.models import Message, MessageReport
from messaging.presentation import message_dict
from messaging.selectors import can_moderate, chat_access
from portal import services as portal_services
from portal.models import User


@transaction.atomic
def message_report(*, message: Message, reporter: User, reason: str) -> MessageReport:
    """Report a message of a conversation the reporter takes part in; the lead is told."""
    from messaging.services.notifications import conversation_url, notify

    access = chat_access(reporter, message.conversation_id)
    if access is None:
        raise ValidationError(_("You are no longer in this conversation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with this message.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    if message.sender_id == reporter.pk:
        raise ValidationError(_("You cannot report your own message."))
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:
        raise ValidationError(_("You have already reported this message.")) from None
    group = access.conversation.group
    portal_services.audit_record(
        actor=reporter,
        action="message.reported",
        target=message,
        region=group.judicial_office,
        data={"conversation": message.conversation_id, "reason": reason},
    )
    leads = Membership.objects.filter(
        group=group, role=Membership.Role.LEAD, left_at__isnull=True
    ).values_list("user_id", flat=True)
    notify(
        recipients=list(leads),
        kind="message.reported",
        title=_("A message in group %(code)s was reported") % {"code": group.code},
        body=reason,
        url=conversation_url(access.conversation, message.pk),
    )
    return report


@transaction.atomic
def message_hide(*, message: Message, moderator: User, reason: str = "") -> Message:
    """Hide a message from the conversation (its text stays on the message, for moderators who
    may read the conversation; never copied into the audit log); open reports on it are
    resolved."""
    message = (
        Message.objects.select_for_update().select_related("conversation__group").get(pk=message.pk)
    )
    if not can_moderate(moderator, message):
        raise ValidationError(_("Only the group's lead or a coordinator can hide messages."))
    if message.hidden_at is not None:
        raise ValidationError(_("This message is already hidden."))
    now = timezone.now()
    message.hidden_at = now
    message.hidden_by = moderator
    message.save(update_fields=["hidden_at", "hidden_by"])
    resolved = message.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    portal_services.audit_record(
        actor=moderator,
        action="message.hidden",
        target=message,
        region=message.conversation.group.judicial_office,
        data={
            "conversation": message.conversation_id,
            "reason": reason[:300],
            "reports_resolved": resolved,
        },
    )
    broadcast.room_publish(
        message.conversation_id, "message.updated", {"message": message_dict(message)}
    )
    return message
