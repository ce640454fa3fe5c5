"""My conversations: the inbox (group rooms, direct threads and referral threads, with unread
counts), one conversation's messages (a page backwards with `before`, or what came after an id
with `after`, as the socket's resume), and sending. Every call is the chat pages' and socket's:
messaging.selectors decide who takes part (404 for anyone else), messaging.services.message_send
stores the message with its send allowance, its re-check of the sender's place under lock and the
closed-group rule; messaging.presentation.message_dict is the message as the socket sends it.

Live updates come over the same socket as the pages', /ws/chat/<id>/, opened with the app's
token (api.socket_auth)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from api.adapters import MAX_ID, cleaned
from api.schemas import READ_ERRORS, WRITE_ERRORS, Error
from messaging import forms, selectors, services
from messaging.presentation import message_dict

router = Router()


class Thread(Schema):
    id: int
    # "room" (the group's), "direct" (two members of a group) or "referral" (a referral's
    # organisation and the group's lead and social workers).
    kind: str
    title: str
    group: str
    unread: int
    # The newest message's id (0 for none): resume after the last one seen.
    last_id: int


class Sender(Schema):
    id: int
    name: str


class ReplyTo(Schema):
    id: int
    sender: str
    excerpt: str


class Attachment(Schema):
    # A path on this site; it answers the signed-in participants only.
    url: str
    name: str
    type: str
    is_image: bool


class Message(Schema):
    id: int
    conversation: int
    sender: Sender
    # Empty for a deleted or hidden message (state says which); plain text, never markup.
    body: str
    state: str
    reply_to: ReplyTo | None
    attachment: Attachment | None
    created_at: datetime
    edited: bool


class History(Schema):
    items: list[Message]
    # Ask again with before=<older> for the page before; null when this is the first page.
    older: int | None
    # With after=<id>: true when more came after than one answer holds (ask again after the
    # last id here), as the socket's resume.done says.
    more: bool = False
    can_post: bool
    read_only_reason: str


class Window(Schema):
    before: int | None = Field(None, ge=1, le=MAX_ID)
    after: int | None = Field(None, ge=0, le=MAX_ID)


class Send(Schema):
    body: str = Field(max_length=services.MAX_BODY)
    reply_to: int | None = Field(None, ge=1, le=MAX_ID)
    # The app's own name for the message: sent again (an answer lost), it is stored once.
    client_id: str = Field("", max_length=64)


SEND_ERRORS = {**WRITE_ERRORS, 429: Error}


def _title(conversation, user, titles) -> str:
    if conversation.is_subject:
        return titles.get(conversation.pk, "")
    code = conversation.group.code
    if conversation.is_room:
        return _("Group %(code)s") % {"code": code}
    other = conversation.user_b if conversation.user_a_id == user.pk else conversation.user_a
    return _("%(name)s (group %(code)s)") % {"name": other.display_name, "code": code}


@router.get("", response={200: list[Thread], **READ_ERRORS}, summary="My conversations")
def inbox(request):
    """Newest activity first; the same conversations as the chat page, in a fixed number of
    queries."""
    conversations = selectors.inbox_conversations(request.auth)
    unread = selectors.unread_counts(request.auth, conversations)
    titles = selectors.subject_titles(conversations)
    return [
        Thread(
            id=c.pk,
            kind=c.kind,
            title=_title(c, request.auth, titles),
            group=c.group.code,
            unread=unread.get(c.pk, 0),
            last_id=c.last_id,
        )
        for c in conversations
    ]


@router.get(
    "/{conversation_id}/messages",
    response={200: History, **READ_ERRORS},
    summary="Messages of one conversation",
)
def messages(request, window: Query[Window], conversation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The latest page, oldest first (and marked read, as opening the page does); with
    before=<id> the page before it; with after=<id> what came after it, as the socket's
    resume (nothing marked read)."""
    access = selectors.chat_access_or_404(request.auth, conversation_id)
    chat = access.conversation
    if window.before is not None and window.after is not None:
        raise ValidationError(_("Ask for the messages before an id or after one, not both."))
    if window.after is not None:
        rows = selectors.messages_after(chat, window.after)
        older, more = None, len(rows) == selectors.RESUME_BATCH
    else:
        rows = selectors.history(chat, before=window.before)
        older, more = rows[0].pk if len(rows) == selectors.HISTORY_PAGE else None, False
        if rows and window.before is None:
            services.read_mark(conversation_id=chat.pk, user=request.auth, last_id=rows[-1].pk)
    return History(
        items=[message_dict(m) for m in rows],
        older=older,
        more=more,
        can_post=access.can_post,
        read_only_reason=access.read_only_reason,
    )


@router.post(
    "/{conversation_id}/messages",
    response={201: Message, **SEND_ERRORS},
    summary="Send a message",
)
def send(request, payload: Send, conversation_id: int = Path(..., ge=1, le=MAX_ID)):
    """Stored, then broadcast to the conversation's sockets. 400 with the chat's message for a
    read-only conversation or a place lost meanwhile; 429 when sending too fast (wait a few
    seconds; the same client_id is stored once)."""
    access = selectors.chat_access_or_404(request.auth, conversation_id)
    form = cleaned(
        forms.MessageForm(
            {
                "body": payload.body,
                "reply_to": payload.reply_to or "",
                "client_id": payload.client_id,
            }
        )
    )
    try:
        message = services.message_send(
            conversation_id=access.conversation.pk,
            sender=request.auth,
            body=form["body"],
            reply_to_id=form["reply_to"],
            client_id=form["client_id"],
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "rate_limited":
            return Status(429, Error(detail=error.messages[0], errors={}))
        raise
    return Status(201, message_dict(message))
