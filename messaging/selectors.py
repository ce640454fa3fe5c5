"""Every read of messaging, scoped to the user asking. Who takes part in a conversation follows
the group's active memberships; anyone else gets None here and 404 (or 4403) from the caller."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from groups.models import CorrectionGroup, Membership
from groups.selectors import groups_coordinated_by
from messaging.models import (
    Conversation,
    Message,
    MessageReport,
    Notification,
    NotificationSetting,
    ReadPosition,
)
from portal.converters import parse_id
from portal.models import User

# Whom a learner may write to directly (issue 8): the people running their casework.
LEARNER_MAY_WRITE_TO = {Membership.Role.LEAD, Membership.Role.SOCIAL_WORKER}
HISTORY_PAGE = 50
RESUME_BATCH = 200


@dataclass(frozen=True)
class ChatAccess:
    """What one user may do in one conversation."""

    conversation: Conversation
    role: str  # the user's active role in the conversation's group
    group_closed: bool

    @property
    def can_post(self) -> bool:
        return not self.group_closed

    @property
    def is_lead(self) -> bool:
        return self.role == Membership.Role.LEAD

    @property
    def sees_read_receipts(self) -> bool:
        """Who read what: both people of a direct thread, and the lead of a room."""
        return not self.conversation.is_room or self.is_lead


def direct_allowed(roles: dict[int, str], a: int, b: int) -> bool:
    """Two members of a group may talk directly, unless one is the learner and the other is
    neither the lead nor a social worker."""
    if a == b or a not in roles or b not in roles:
        return False
    for one, other in ((a, b), (b, a)):
        if roles[one] == Membership.Role.LEARNER and roles[other] not in LEARNER_MAY_WRITE_TO:
            return False
    return True


def chat_access(user: User, conversation_id) -> ChatAccess | None:
    """The user's access to the conversation, or None (not found, not a participant): two
    queries, cheap enough to repeat on every socket connect and every send."""
    if user is None or not user.is_authenticated:
        return None
    conversation_id = parse_id(conversation_id)  # a path's text or a frame's number
    if conversation_id is None:
        return None
    conversation = Conversation.objects.select_related("group").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    wanted = [user.pk] if conversation.is_room else [conversation.user_a_id, conversation.user_b_id]
    if user.pk not in wanted:
        return None
    roles = dict(
        Membership.objects.filter(
            group_id=conversation.group_id, user_id__in=wanted, left_at__isnull=True
        ).values_list("user_id", "role")
    )
    if conversation.is_room:
        allowed = user.pk in roles
    else:
        allowed = direct_allowed(roles, conversation.user_a_id, conversation.user_b_id)
    if not allowed:
        return None
    return ChatAccess(
        conversation=conversation,
        role=roles[user.pk],
        group_closed=conversation.group.is_closed,
    )


def chat_access_or_404(user: User, conversation_id) -> ChatAccess:
    access = chat_access(user, conversation_id)
    if access is None:
        raise Http404
    return access


def _participant_q(user: User) -> Q:
    """Conversations the user takes part in, as a filter on Conversation."""
    member = Membership.objects.filter(
        group_id=OuterRef("group_id"), user=user, left_at__isnull=True
    )
    return Q(Exists(member)) & (Q(kind=Conversation.Kind.ROOM) | Q(user_a=user) | Q(user_b=user))


def conversations_of(user: User) -> QuerySet[Conversation]:
    """The user's rooms and direct threads with their read positions, newest activity first.
    (Direct threads whose other person left are dropped by inbox_conversations().)"""
    if not user.is_authenticated:
        return Conversation.objects.none()
    last_read = ReadPosition.objects.filter(conversation=OuterRef("pk"), user=user).values(
        "last_read_id"
    )
    return (
        Conversation.objects.filter(_participant_q(user))
        .select_related("group", "user_a", "user_b")
        .annotate(
            read_up_to=Coalesce(Subquery(last_read), 0),
            last_id=Coalesce(
                Subquery(
                    Message.objects.filter(conversation=OuterRef("pk"))
                    .order_by("-id")
                    .values("id")[:1]
                ),
                0,
            ),
        )
        .order_by("-last_id", "id")
    )


def inbox_conversations(user: User) -> list[Conversation]:
    """conversations_of(), less the direct threads the user may no longer use (the other
    person left the group, or the roles no longer allow it): one more query."""
    conversations = list(conversations_of(user))
    direct = [c for c in conversations if not c.is_room]
    if not direct:
        return conversations
    pairs = Q()
    for c in direct:
        pairs |= Q(group_id=c.group_id, user_id__in=[c.user_a_id, c.user_b_id])
    roles: dict[int, dict[int, str]] = {}
    for group_id, user_id, role in Membership.objects.filter(
        pairs, left_at__isnull=True
    ).values_list("group_id", "user_id", "role"):
        roles.setdefault(group_id, {})[user_id] = role
    return [
        c
        for c in conversations
        if c.is_room or direct_allowed(roles.get(c.group_id, {}), c.user_a_id, c.user_b_id)
    ]


def unread_counts(user: User, conversations: list[Conversation]) -> dict[int, int]:
    """Unread messages per conversation (others' visible messages above the read position)."""
    if not conversations:
        return {}
    condition = Q()
    for conversation in conversations:
        condition |= Q(conversation_id=conversation.pk, id__gt=conversation.read_up_to)
    rows = (
        Message.objects.filter(condition, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(sender=user)
        .values("conversation_id")
        .annotate(n=Count("id"))
    )
    return {row["conversation_id"]: row["n"] for row in rows}


UNREAD_CAP = 99


def unread_total(user: User) -> int:
    """All unread messages of the user, counted up to UNREAD_CAP + 1 (the badge says "99+"):
    one query whose cost stays flat however long a room's history is."""
    if not user.is_authenticated:
        return 0
    last_read = ReadPosition.objects.filter(
        conversation=OuterRef("conversation_id"), user=user
    ).values("last_read_id")
    mine = Conversation.objects.filter(_participant_q(user)).values("pk")
    unread = (
        Message.objects.filter(
            conversation__in=mine, deleted_at__isnull=True, hidden_at__isnull=True
        )
        .exclude(sender=user)
        .filter(id__gt=Coalesce(Subquery(last_read), 0))
    )
    return unread.order_by()[: UNREAD_CAP + 1].count()


def _messages(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related(
        "sender", "reply_to__sender"
    )


def history(conversation: Conversation, *, before: int | None = None) -> list[Message]:
    """The latest page of messages (or the page before id `before`), oldest first."""
    rows = _messages(conversation)
    if before is not None:
        rows = rows.filter(id__lt=before)
    return list(reversed(rows.order_by("-id")[:HISTORY_PAGE]))


def messages_after(conversation: Conversation, last_id: int, *, limit: int = RESUME_BATCH):
    """What a reconnecting client missed: messages with an id above the last one it saw."""
    return list(_messages(conversation).filter(id__gt=last_id).order_by("id")[:limit])


def read_positions(conversation: Conversation) -> dict[int, int]:
    return dict(
        ReadPosition.objects.filter(conversation=conversation).values_list(
            "user_id", "last_read_id"
        )
    )


def room_members(group: CorrectionGroup) -> list[Membership]:
    return list(
        Membership.objects.filter(group=group, left_at__isnull=True)
        .select_related("user")
        .order_by("joined_at", "id")
    )


def read_by(access: ChatAccess, message: Message) -> list[User]:
    """Who has read up to the message (for the lead of a room, or the other of a thread)."""
    if not access.sees_read_receipts:
        raise Http404
    readers = ReadPosition.objects.filter(
        conversation=access.conversation, last_read_id__gte=message.pk
    ).exclude(user_id=message.sender_id)
    members = Membership.objects.filter(group_id=access.conversation.group_id, left_at__isnull=True)
    return list(
        User.objects.filter(pk__in=readers.values("user_id"))
        .filter(pk__in=members.values("user_id"))
        .order_by("display_name", "pk")
    )


def message_for(user: User, message_id) -> tuple[Message, ChatAccess]:
    """A message of a conversation the user takes part in; 404 otherwise."""
    message = Message.objects.filter(pk=message_id).select_related("sender").first()
    if message is None:
        raise Http404
    access = chat_access_or_404(user, message.conversation_id)
    return message, access


def moderated_groups(user: User) -> QuerySet[CorrectionGroup]:
    """Groups whose reports the user handles: groups they lead, and those they coordinate."""
    led = Membership.objects.filter(
        user=user, role=Membership.Role.LEAD, left_at__isnull=True
    ).values("group_id")
    return CorrectionGroup.objects.filter(
        Q(pk__in=led) | Q(pk__in=groups_coordinated_by(user).values("pk"))
    )


def can_moderate(user: User, message: Message) -> bool:
    """The group's lead or a coordinator of its region, and only where they may read: a room,
    a direct thread they are one of the two of, or a direct message one of its two people
    reported to them (the report shows it). Otherwise hiding would be a way to read it."""
    if not moderated_groups(user).filter(pk=message.conversation.group_id).exists():
        return False
    conversation = message.conversation
    if conversation.is_room or user.pk in (conversation.user_a_id, conversation.user_b_id):
        return True
    return message.reports.filter(resolved_at__isnull=True).exists()


def open_reports_for(user: User) -> QuerySet[MessageReport]:
    if not user.is_authenticated:
        return MessageReport.objects.none()
    return (
        MessageReport.objects.filter(
            resolved_at__isnull=True,
            message__conversation__group__in=moderated_groups(user),
        )
        .select_related("message__sender", "message__conversation__group", "reporter")
        .order_by("-created_at", "-id")
    )


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def groups_for_chat(user: User) -> QuerySet[Membership]:
    """The user's active memberships, for the inbox's list of rooms."""
    return (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .select_related("group")
        .order_by("-joined_at")
    )


def member_group_or_404(user: User, code: str) -> CorrectionGroup:
    """A group the user is an active member of, by code; 404 for everyone else."""
    membership = groups_for_chat(user).filter(group__code=code).first()
    if membership is None:
        raise Http404
    return membership.group


def fellow_member(group: CorrectionGroup, user_id: int) -> User | None:
    """An active member of the group (to open a direct thread with), or None."""
    membership = (
        Membership.objects.filter(group=group, user_id=user_id, left_at__isnull=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def users_due_a_digest() -> list[int]:
    """Users with an unread, un-mailed notification older than their chosen delay."""
    now = timezone.now()
    default = NotificationSetting._meta.get_field("digest_delay").default
    due = Q()
    for delay in NotificationSetting.Delay.values:
        if delay == 0:
            continue
        chosen = Q(user__notification_setting__digest_delay=delay)
        if delay == default:
            chosen |= Q(user__notification_setting__isnull=True)
        due |= chosen & Q(created_at__lte=now - timedelta(minutes=delay))
    return sorted(
        set(
            Notification.objects.filter(due, read_at__isnull=True, emailed_at__isnull=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    )
