"""Every read of messaging, scoped to the user asking. Who takes part in a room or a direct
thread follows the group's active memberships; in a referral thread, the app that owns the
referral answers (messaging.subjects). Anyone else gets None here and 404 (or 4403) from the
caller."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CorrectionGroup, Membership
from groups.selectors import groups_coordinated_by
from messaging import subjects
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
from portal.prepared import Prepared

# Whom a learner may write to directly (issue 8): the people running their casework.
LEARNER_MAY_WRITE_TO = {Membership.Role.LEAD, Membership.Role.SOCIAL_WORKER}
HISTORY_PAGE = 50
RESUME_BATCH = 200


@dataclass(frozen=True)
class ChatAccess:
    """What one user may do in one conversation."""

    conversation: Conversation
    role: str  # the user's active role in the conversation's group (or their subject place)
    group_closed: bool
    # A subject thread its owner made read-only (a referral that was declined or withdrawn).
    subject_read_only: str = ""

    @property
    def can_post(self) -> bool:
        return not self.group_closed and not self.subject_read_only

    @property
    def read_only_reason(self) -> str:
        if self.group_closed:
            return _("This group is closed: its conversations are read-only.")
        return self.subject_read_only

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


def chat_access(user: User, conversation_id, *, lock: bool = False) -> ChatAccess | None:
    """The user's access to the conversation, or None (not found, not a participant): two
    queries, cheap enough to repeat on every socket connect and every send. With `lock` (the
    sender's transaction) a subject thread's provider locks the rows that give the place."""
    if user is None or not user.is_authenticated:
        return None
    conversation_id = parse_id(conversation_id)  # a path's text or a frame's number
    if conversation_id is None:
        return None
    conversation = Conversation.objects.select_related("group").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    if conversation.is_subject:
        return _subject_access(user, conversation, lock=lock)
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


def _subject_access(user: User, conversation: Conversation, *, lock: bool) -> ChatAccess | None:
    place = subjects.provider(conversation.kind).place(
        user=user, subject_id=conversation.subject_id, lock=lock
    )
    if place is None:
        return None
    return ChatAccess(
        conversation=conversation,
        role=place.role,
        group_closed=conversation.group.is_closed,
        subject_read_only="" if place.can_post else place.read_only_reason or _("Read-only"),
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
    mine = Q(Exists(member)) & (Q(kind=Conversation.Kind.ROOM) | Q(user_a=user) | Q(user_b=user))
    # Subject threads: each provider's subjects of the user, as a subquery (no query here).
    for kind, provider in sorted(subjects.registered().items()):
        mine |= Q(kind=kind, subject_id__in=provider.subject_ids_for(user))
    return mine


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
    direct = [c for c in conversations if c.kind == Conversation.Kind.DIRECT]
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
        if c.kind != Conversation.Kind.DIRECT
        or direct_allowed(roles.get(c.group_id, {}), c.user_a_id, c.user_b_id)
    ]


def subject_titles(conversations: list[Conversation]) -> dict[int, str]:
    """Conversation id -> its subject's title, for the subject threads among `conversations`:
    one query per kind of subject, whatever their number."""
    by_kind: dict[str, list[Conversation]] = {}
    for c in conversations:
        if c.is_subject:
            by_kind.setdefault(c.kind, []).append(c)
    titles = {}
    for kind, found in by_kind.items():
        named = subjects.provider(kind).titles([c.subject_id for c in found])
        titles.update({c.pk: named.get(c.subject_id, "") for c in found})
    return titles


def participants(conversation: Conversation) -> list:
    """Who takes part now, as Memberships (rooms, direct threads) or subjects.Participant
    (subject threads): both have user, user_id and get_role_display."""
    if conversation.is_subject:
        return subjects.provider(conversation.kind).participants(conversation.subject_id)
    members = room_members(conversation.group)
    if conversation.is_room:
        return members
    return [m for m in members if m.user_id in (conversation.user_a_id, conversation.user_b_id)]


def subject_about(access: ChatAccess, user: User) -> subjects.About | None:
    conversation = access.conversation
    if not conversation.is_subject:
        return None
    return subjects.provider(conversation.kind).about(subject_id=conversation.subject_id, user=user)


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
    one query whose cost stays flat however long a room's history is. Read once per user
    object, i.e. per request: the menu and the home page's to-dos both show it."""
    if not user.is_authenticated:
        return 0
    counted = getattr(user, "_messaging_unread_total", None)
    if counted is None:
        counted = user._messaging_unread_total = _unread_total(user)
    return counted


def _unread_queryset(user: User) -> QuerySet[Message]:
    last_read = ReadPosition.objects.filter(
        conversation=OuterRef("conversation_id"), user=user
    ).values("last_read_id")
    mine = Conversation.objects.filter(_participant_q(user)).values("pk")
    return (
        Message.objects.filter(
            conversation__in=mine, deleted_at__isnull=True, hidden_at__isnull=True
        )
        .exclude(sender=user)
        .filter(id__gt=Coalesce(Subquery(last_read), 0))
    )


# The count runs on every signed-in page (the menu's badge). Building its queryset (the
# participation filter and each subject provider's subquery) cost about 2 ms of Python a
# request, three times the query itself; its SQL depends on the user only through their id, so
# it is compiled once per process (portal.prepared). Up to UNREAD_CAP + 1 ids are read and
# counted here: the badge says "99+" past the cap.
_UNREAD = Prepared(
    lambda user_id: (
        _unread_queryset(User(pk=user_id)).order_by().values_list("pk")[: UNREAD_CAP + 1]
    ),
    user_id=-7_204_719,  # no user has a negative id
)


def _unread_total(user: User) -> int:
    return len(_UNREAD.rows(user_id=user.pk))


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
    conversation = access.conversation
    if conversation.is_subject:
        people = [p.user_id for p in participants(conversation)]
    else:
        people = Membership.objects.filter(
            group_id=conversation.group_id, left_at__isnull=True
        ).values("user_id")
    return list(
        User.objects.filter(pk__in=readers.values("user_id"))
        .filter(pk__in=people)
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
    if conversation.is_subject and chat_access(user, conversation.pk) is not None:
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
