"""Conversations and messages. A message is stored (conversation row locked, so ids follow
commit order within a conversation) and only then broadcast, on commit."""

import logging
from datetime import timedelta

import filetype
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from messaging import broadcast, ratelimit
from messaging.models import Conversation, Message, ReadPosition
from messaging.presentation import message_dict
from messaging.selectors import ChatAccess, chat_access, direct_allowed, participants
from portal import services as portal_services
from portal.models import User
from portal.prepared import Prepared, columns, from_row

logger = logging.getLogger(__name__)

MAX_BODY = 2000
EDIT_WINDOW = timedelta(minutes=15)
MAX_ATTACHMENT = 5 * 1024 * 1024
AWAY_WINDOW = 10  # seconds
ATTACHMENT_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


def room_ensure(*, group: CorrectionGroup) -> Conversation:
    """The group's room, created the first time anyone opens it (one per group)."""
    room = Conversation.objects.filter(group=group, kind=Conversation.Kind.ROOM).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Conversation.objects.create(group=group, kind=Conversation.Kind.ROOM)
    except IntegrityError:  # opened by someone else at the same moment
        return Conversation.objects.get(group=group, kind=Conversation.Kind.ROOM)


def subject_thread_ensure(*, kind: str, subject_id: int, group: CorrectionGroup) -> Conversation:
    """The thread about a subject an app above owns (a referral of `group`), created the first
    time; the owning app calls this once it has decided the subject exists (messaging asks its
    provider, not the caller, who may read and write there)."""
    if kind not in Conversation.SUBJECT_KINDS:
        raise ValueError(f"{kind!r} is not a kind of subject thread.")
    found = Conversation.objects.filter(kind=kind, subject_id=subject_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Conversation.objects.create(kind=kind, subject_id=subject_id, group=group)
    except IntegrityError:  # opened by someone else at the same moment
        return Conversation.objects.get(kind=kind, subject_id=subject_id)


@transaction.atomic
def direct_open(*, group: CorrectionGroup, user: User, other: User) -> Conversation:
    """The direct thread of two members of a group, created on first use. A learner may write
    only to the lead and the social workers; partners only inside a group they belong to."""
    roles = dict(
        Membership.objects.filter(
            group=group, user_id__in=[user.pk, other.pk], left_at__isnull=True
        ).values_list("user_id", "role")
    )
    if not direct_allowed(roles, user.pk, other.pk):
        raise ValidationError(_("You cannot write directly to this person."))
    if group.is_closed:
        raise ValidationError(_("This group is closed; its conversations are read-only."))
    a, b = sorted([user.pk, other.pk])
    conversation, created = Conversation.objects.get_or_create(
        group=group, kind=Conversation.Kind.DIRECT, user_a_id=a, user_b_id=b
    )
    if created:
        portal_services.audit_record(
            actor=user,
            action="messaging.direct_opened",
            target=conversation,
            region=group.judicial_office,
            data={"group": group.code, "with": other.pk},
        )
    return conversation


def _check_body(body: str, *, required: bool) -> str:
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": _("A message has at most %(max)d characters.") % {"max": MAX_BODY}}
        )
    if required and not body:
        raise ValidationError({"body": _("Write a message or attach a file.")})
    return body


def _check_attachment(upload) -> str:
    """The file's real type, read from its first bytes (not its name or the browser's word)."""
    if upload.size > MAX_ATTACHMENT:
        raise ValidationError(
            {"attachment": _("A file may be at most %(mb)d MB.") % {"mb": MAX_ATTACHMENT >> 20}}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": _("Attach an image (JPEG, PNG, GIF, WebP) or a PDF.")})
    return kind.mime


# Every send of every room runs two reads before its insert: the conversation's lock and the
# sender's place (a send that fails looks for its resend's row). Their SQL differs from one
# send to the next only by ids, and building each queryset cost more Python than the database
# took to answer it, so they are compiled once per process (portal.prepared). Stand-ins:
# values no row carries.
_RESENT = Prepared(
    lambda sender_id, client_id: (
        Message.objects.filter(sender_id=sender_id, client_id=client_id)
        .order_by()
        .values_list(*columns(Message))[:1]
    ),
    sender_id=-7_204_961,
    client_id="(stand-in: a client_id)",
)
_CONVERSATION_LOCKED = Prepared(
    lambda conversation_id: (
        Conversation.objects.select_for_update(of=("self",))
        .filter(pk=conversation_id)
        .order_by()
        .values_list(*columns(Conversation))[:1]
    ),
    conversation_id=-7_204_962,
)


def _room_place_query(group_id, user_id, conversation_id):
    """The sender's membership (locked, not the group's row), the group as of now (open or
    closed), and the conversation's last message id: three values, in one query."""
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(group_id=group_id, user_id=user_id, left_at__isnull=True)
        .annotate(
            last_id=Subquery(
                Message.objects.filter(conversation_id=conversation_id)
                .order_by("-id")
                .values("id")[:1]
            )
        )
        .order_by()
        .values_list("role", "group__status", "last_id")[:1]
    )


_ROOM_PLACE = Prepared(
    _room_place_query, group_id=-7_204_963, user_id=-7_204_964, conversation_id=-7_204_965
)


def _locked_conversation(conversation_id: int) -> Conversation | None:
    """The conversation's row, locked: this serialises the conversation's inserts, so ids are
    handed out and committed in the same order. Taken as late as possible (after the send
    limit and the checks of the body): every send of the room waits for it."""
    rows = _CONVERSATION_LOCKED.rows(conversation_id=conversation_id)
    return from_row(Conversation, columns(Conversation), rows[0]) if rows else None


def _locked_access(sender: User, conversation: Conversation | None) -> tuple[ChatAccess, int]:
    """Re-check the sender's place under the conversation's row lock; the sender's own
    membership row is locked too: a removal or revocation in flight (which writes that row)
    commits first and the message is refused, or waits until the message is stored. Returns the
    access and the conversation's last message id (0 if none) as of the lock: every insert takes
    the lock, so it is the message before the one about to be stored."""
    if conversation is not None and conversation.is_room:
        # A room in one query: the sender's membership (locked, not the group's row), the
        # group as of now (closed or not), and the last id. Its snapshot is taken once the
        # conversation's lock is held, so every earlier message is committed and visible.
        found = _ROOM_PLACE.rows(
            group_id=conversation.group_id, user_id=sender.pk, conversation_id=conversation.pk
        )
        membership = found[0] if found else None
        if membership is None:
            raise ValidationError(_("You are no longer in this conversation."), code="forbidden")
        role, group_status, last_id = membership
        access = ChatAccess(
            conversation=conversation,
            role=role,
            group_closed=group_status == CorrectionGroup.Status.CLOSED,
        )
        last_id = last_id or 0
    else:
        if conversation is not None and not conversation.is_subject:
            list(
                Membership.objects.select_for_update()
                .filter(group_id=conversation.group_id, user=sender, left_at__isnull=True)
                .values_list("pk", flat=True)
            )
        # A subject thread's provider locks the rows that give the sender's place itself.
        found = chat_access(sender, conversation.pk, lock=True) if conversation else None
        if found is None:
            raise ValidationError(_("You are no longer in this conversation."), code="forbidden")
        access = found
        last_id = None  # read after the insert, as before
    if not access.can_post:
        raise ValidationError(_read_only(access), code="read_only")
    return access, last_id


def _read_only(access: ChatAccess) -> str:
    if access.group_closed:
        return _("This group is closed; its conversations are read-only.")
    return access.read_only_reason


def message_send(
    *,
    conversation_id: int,
    sender: User,
    body: str,
    reply_to_id: int | None = None,
    attachment=None,
    client_id: str = "",
) -> Message:
    """Store a message, then (on commit) broadcast it to the conversation and tell the people
    it mentions; people away get a notification from a task. Counted against the sender's send
    allowance first (messaging.ratelimit), whichever way the message comes in.

    Idempotent by `client_id` (the sender's own name for the message): sent again, after an
    acknowledgement that never arrived, it returns the message already stored and stores
    nothing (it counts against the allowance, as every send does); the database's unique
    constraint decides, also between two sends racing."""
    client_id = (client_id or "")[:64]
    try:
        return _message_store(
            conversation_id=conversation_id, sender=sender, body=body,
            reply_to_id=reply_to_id, attachment=attachment, client_id=client_id,
        )  # fmt: skip
    except (IntegrityError, ValidationError):
        # A resend is not looked up before storing (nearly every send is new: one round trip
        # less each), but after whatever stopped it: the unique constraint on the sender's
        # client_id (a resend, or two racing: the loser's whole transaction rolled back, its
        # broadcast with it; no savepoint around the insert, two round trips less again), or a
        # refusal (a resend answered after the allowance ran out, the sender left or the group
        # closed, as it was answered before they did). The stored row is the answer.
        already = _already_sent(sender, client_id, conversation_id)
        if already is None:
            raise
        return already


@transaction.atomic
def _message_store(
    *, conversation_id, sender: User, body: str, reply_to_id, attachment, client_id: str
) -> Message:
    if not ratelimit.allow_send(sender.pk):
        raise ValidationError(
            _("You are sending messages too fast; wait a few seconds and try again."),
            code="rate_limited",
        )
    attachment_type = _check_attachment(attachment) if attachment else ""
    body = _check_body(body, required=not attachment)
    access, previous = _locked_access(sender, _locked_conversation(conversation_id))
    reply_to = None
    if reply_to_id is not None:
        reply_to = Message.objects.filter(pk=reply_to_id, conversation_id=conversation_id).first()
        if reply_to is None:
            raise ValidationError({"reply_to": _("The message you reply to is not here.")})
    message = Message(
        conversation=access.conversation,
        sender=sender,
        body=body,
        reply_to=reply_to,
        attachment_type=attachment_type,
        attachment_name=(attachment.name or "")[-120:] if attachment else "",
        client_id=client_id,
    )
    if attachment:
        message.attachment.save(attachment.name or "file", attachment, save=False)
    try:
        message.save()
    except IntegrityError:
        if attachment:
            message.attachment.delete(save=False)
        raise
    if previous is None:
        # The conversation's message before this one (under the row lock, it is committed):
        # with it a socket sees a broadcast it never got (the channel layer drops messages for
        # a process that falls behind) and resumes to fetch it.
        previous = (
            Message.objects.filter(conversation_id=access.conversation.pk, id__lt=message.pk)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
    broadcast.room_publish(
        access.conversation.pk,
        "message.new",
        {"message": message_dict(message), "prev_id": previous or 0},
    )
    _notify_mentions(access, message)
    transaction.on_commit(lambda: _enqueue_away(access.conversation.pk, message.pk), robust=True)
    return message


def _already_sent(sender: User, client_id: str, conversation_id: int) -> Message | None:
    """The message this sender already stored under `client_id`, if any."""
    if not client_id:
        return None
    # The message's own row, without the joins of its sender and reply.
    rows = _RESENT.rows(sender_id=sender.pk, client_id=client_id)
    message = from_row(Message, columns(Message), rows[0]) if rows else None
    if message is None:
        return None
    if message.conversation_id != conversation_id:
        raise ValidationError(_("This message was already sent to another conversation."))
    message.sender = sender  # the same person: no look-up to show the stored message
    return message


def _enqueue_away(conversation_id: int, message_id: int) -> None:
    """One away-check per conversation per AWAY_WINDOW seconds, not one per message: the check
    tells each absent person once until they read, so a burst needs only its first message
    checked; the unread count covers the rest."""
    from messaging import tasks

    key = f"messaging:away:{conversation_id}"
    if not cache.add(key, 1, AWAY_WINDOW):
        return
    try:
        # Handed to the broker once, not retried: this runs on commit, before a chat socket
        # sends the message to the room, and a broker that is away would hold the room's
        # delivery through kombu's retries (portal.queueing does the same for mail and SMS).
        tasks.notify_away.apply_async(args=[message_id], retry=False)
    except Exception:  # the broker is away: the message is stored; only the nudge is missed
        # The window is not taken by a check that never left: the next message tries again.
        cache.delete(key)
        logger.exception("could not enqueue notify_away for message %s", message_id)


def _notify_mentions(access: ChatAccess, message: Message) -> None:
    from messaging.services.notifications import conversation_title, conversation_url, notify

    if "@" not in message.body:
        return
    conversation = access.conversation
    mentioned = [
        m.user
        for m in participants(conversation)
        if m.user_id != message.sender_id and f"@{m.user.display_name}" in message.body
    ]
    if mentioned:
        notify(
            recipients=mentioned,
            kind="message.mention",
            title=_("%(name)s mentioned you in %(where)s")
            % {"name": message.sender.display_name, "where": conversation_title(conversation)},
            body=message.body[:200],
            url=conversation_url(conversation, message.pk),
        )


def _own_recent_message(message_id: int, user: User) -> tuple[Message, ChatAccess]:
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    access = chat_access(user, message.conversation_id) if message else None
    # Missing, someone else's, or in a conversation the user is not in: one answer, so an id
    # tells nothing, and no "forbidden" that would close the socket of the user's own room.
    if message is None or access is None or message.sender_id != user.pk:
        raise ValidationError(_("You can change only your own messages."), code="not_yours")
    if not message.is_visible:
        raise ValidationError(_("This message was removed."), code="gone")
    if timezone.now() - message.created_at > EDIT_WINDOW:
        raise ValidationError(
            _("A message can be changed for 15 minutes after it was sent."), code="too_late"
        )
    if not access.can_post:
        raise ValidationError(_read_only(access), code="read_only")
    return message, access


def _audit(actor: User, action: str, message: Message, access: ChatAccess, data: dict) -> None:
    portal_services.audit_record(
        actor=actor,
        action=action,
        target=message,
        region=access.conversation.group.judicial_office,
        data={"conversation": message.conversation_id, **data},
    )


@transaction.atomic
def message_edit(*, message_id: int, user: User, body: str) -> Message:
    """Change one's own message within 15 minutes; the old text stays in the audit trail."""
    message, access = _own_recent_message(message_id, user)
    body = _check_body(body, required=not message.attachment)
    _audit(user, "message.edited", message, access, {"before": message.body, "after": body})
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    broadcast.room_publish(
        message.conversation_id, "message.updated", {"message": message_dict(message)}
    )
    return message


@transaction.atomic
def message_delete(*, message_id: int, user: User) -> Message:
    """Delete one's own message within 15 minutes: its text leaves the room for the audit
    trail, its place stays (so ids and replies keep their order)."""
    message, access = _own_recent_message(message_id, user)
    _audit(
        user,
        "message.deleted",
        message,
        access,
        {"body": message.body, "attachment": message.attachment.name or ""},
    )
    message.body = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    broadcast.room_publish(
        message.conversation_id, "message.updated", {"message": message_dict(message)}
    )
    return message


def _advance(conversation: Conversation, user: User, last_id: int) -> bool:
    """Move the read position forward (never back); True if it moved."""
    now = timezone.now()
    position, created = ReadPosition.objects.get_or_create(
        conversation=conversation, user=user, defaults={"last_read_id": last_id, "updated_at": now}
    )
    if created:
        return True
    return bool(
        ReadPosition.objects.filter(pk=position.pk, last_read_id__lt=last_id).update(
            last_read_id=last_id, updated_at=now
        )
    )


@transaction.atomic
def read_mark(*, conversation_id: int, user: User, last_id: int) -> int:
    """Record that the user has read up to `last_id` (clamped to the conversation's last
    message); read receipts go to the conversation, and its notifications are marked read."""
    from messaging.services.notifications import conversation_url

    access = chat_access(user, conversation_id)
    if access is None:
        raise ValidationError(_("You are no longer in this conversation."), code="forbidden")
    newest = (
        Message.objects.filter(conversation_id=conversation_id, id__lte=last_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if newest is None:
        return 0
    if _advance(access.conversation, user, newest):
        broadcast.room_publish(
            conversation_id,
            "read",
            {"user": {"id": user.pk, "name": user.display_name}, "last_id": newest},
        )
        user.notifications.filter(
            read_at__isnull=True,
            kind__in=["message.new", "message.mention"],
            url__startswith=conversation_url(access.conversation),
        ).update(read_at=timezone.now())
    return newest
