"""Thin views: check access through selectors, call a service, render. Anyone who is not in a
conversation gets 404, so its existence does not leak."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging import forms, selectors, services, sms_notices
from messaging.models import Conversation, Message
from messaging.presentation import message_dict
from portal.converters import query_id
from portal.forms import error_messages

PAGE_SIZE = 25


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_GET
def inbox(request):
    conversations = selectors.inbox_conversations(request.user)
    unread = selectors.unread_counts(request.user, conversations)
    rooms = {c.group_id: c for c in conversations if c.is_room}
    memberships = list(selectors.groups_for_chat(request.user))
    titles = selectors.subject_titles(conversations)
    return render(
        request,
        "messaging/inbox.html",
        {
            "rooms": [(m, rooms.get(m.group_id)) for m in memberships],
            "threads": [c for c in conversations if c.kind == Conversation.Kind.DIRECT],
            "subject_threads": [(c, titles.get(c.pk, "")) for c in conversations if c.is_subject],
            "unread": unread,
        },
    )


@login_required
@require_GET
def group_room(request, code):
    group = selectors.member_group_or_404(request.user, code)
    room = services.room_ensure(group=group)
    return redirect("messaging:conversation", conversation_id=room.pk)


@login_required
@require_POST
def direct(request, code):
    group = selectors.member_group_or_404(request.user, code)
    form = forms.DirectForm(request.POST)
    other = selectors.fellow_member(group, form.cleaned_data["user"]) if form.is_valid() else None
    if other is None:
        raise Http404
    try:
        conversation = services.direct_open(group=group, user=request.user, other=other)
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
        return redirect("messaging:group_room", code=code)
    return redirect("messaging:conversation", conversation_id=conversation.pk)


@login_required
@require_GET
def conversation(request, conversation_id):
    access = selectors.chat_access_or_404(request.user, conversation_id)
    chat = access.conversation
    before = query_id(request.GET, "before")
    rows = selectors.history(chat, before=before)
    if rows and before is None:
        services.read_mark(conversation_id=chat.pk, user=request.user, last_id=rows[-1].pk)
    members = selectors.participants(chat)
    others = []
    if chat.is_room and access.can_post:
        roles = {m.user_id: m.role for m in members}
        others = [
            m
            for m in members
            if m.user_id != request.user.pk
            and selectors.direct_allowed(roles, request.user.pk, m.user_id)
        ]
    about = selectors.subject_about(access, request.user)
    return render(
        request,
        "messaging/conversation.html",
        {
            "access": access,
            "chat": chat,
            "rows": [message_dict(m) for m in rows],
            "older": rows[0].pk if len(rows) == selectors.HISTORY_PAGE else None,
            "members": members,
            "direct_to": others,
            "about": about,
            "form": forms.MessageForm(),
            "read_positions": selectors.read_positions(chat) if access.sees_read_receipts else {},
            "title": about.title if about else _room_title(chat, request.user),
            "i18n": _chat_texts(access),
        },
    )


def _chat_texts(access) -> dict:
    """What chat.js says, translated here (the script has no catalogue of its own)."""
    return {
        "connecting": _("Connecting…"),
        "online": _("Connected"),
        "offline": _("Connection lost; reconnecting…"),
        "forbidden": _("You are no longer in this conversation."),
        "typing": _("is typing…"),
        "here": _("Online:"),
        "edited": _("edited"),
        "deleted": _("Message deleted"),
        "hidden": _("Hidden by a moderator"),
        "reply": _("Reply"),
        "replyTo": _("Reply to"),
        "actions": _("Actions"),
        "edit": _("Edit"),
        "del": _("Delete"),
        "report": _("Report"),
        "readOnly": access.read_only_reason
        or _("This group is closed: its conversations are read-only."),
        "readUpTo": _("read up to #"),
        "sending": _("Sending…"),
    }


def _room_title(chat, user) -> str:
    if chat.is_room:
        return _("Group %(code)s") % {"code": chat.group.code}
    other = chat.user_b if chat.user_a_id == user.pk else chat.user_a
    return _("%(name)s (group %(code)s)") % {"name": other.display_name, "code": chat.group.code}


@login_required
@require_POST
def send(request, conversation_id):
    """The form's way to send (with an attachment, or without JavaScript)."""
    access = selectors.chat_access_or_404(request.user, conversation_id)
    form = forms.MessageForm(request.POST, request.FILES)
    errors = []
    code = "invalid"
    message = None
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
    else:
        try:
            message = services.message_send(
                conversation_id=access.conversation.pk,
                sender=request.user,
                body=form.cleaned_data["body"],
                reply_to_id=form.cleaned_data["reply_to"],
                attachment=form.cleaned_data["attachment"],
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as error:
            errors = error_messages(error)
            code = getattr(error, "code", None) or code
    if _wants_json(request):
        if errors:
            # The code tells the chat script whether to try again later ("rate_limited").
            return JsonResponse({"errors": errors, "code": code}, status=400)
        return JsonResponse({"id": message.pk, "message": message_dict(message)})
    for text in errors:
        messages.error(request, text)
    url = reverse("messaging:conversation", args=[access.conversation.pk])
    return redirect(f"{url}#m{message.pk}" if message else url)


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request, message_id):
    message, access = selectors.message_for(request.user, message_id)
    if message.sender_id != request.user.pk:
        raise Http404
    form = forms.EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message_id=message.pk, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            for text in error_messages(error):
                form.add_error(None, text)
        else:
            return _back_to(message)
    return render(request, "messaging/message_edit.html", {"form": form, "message": message})


def _back_to(message):
    url = reverse("messaging:conversation", args=[message.conversation_id])
    return redirect(f"{url}#m{message.pk}")


@login_required
@require_POST
def message_delete(request, message_id):
    message, _access = selectors.message_for(request.user, message_id)
    if message.sender_id != request.user.pk:
        raise Http404
    try:
        services.message_delete(message_id=message.pk, user=request.user)
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
    return _back_to(message)


@login_required
@require_http_methods(["GET", "POST"])
def message_report(request, message_id):
    message, _access = selectors.message_for(request.user, message_id)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(
                message=message, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for text in error_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Thank you; the group's lead will look at it."))
            return _back_to(message)
    return render(request, "messaging/message_report.html", {"form": form, "message": message})


@login_required
@require_POST
def message_hide(request, message_id):
    message = get_object_or_404(
        Message.objects.select_related("conversation__group"), pk=message_id
    )
    if not selectors.can_moderate(request.user, message):
        raise Http404
    form = forms.HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.message_hide(message=message, moderator=request.user, reason=reason)
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
    else:
        messages.success(request, _("The message is hidden."))
    return redirect("messaging:reports")


@login_required
@require_GET
def attachment(request, message_id):
    """Files are served only to the conversation's participants (never from MEDIA_URL)."""
    message, _access = selectors.message_for(request.user, message_id)
    if not message.attachment or not message.is_visible:
        raise Http404
    response = FileResponse(
        message.attachment.open("rb"),
        content_type=message.attachment_type,
        as_attachment=not message.attachment_type.startswith("image/"),
        filename=message.attachment_name or "file",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def read_by(request, message_id):
    message, access = selectors.message_for(request.user, message_id)
    readers = selectors.read_by(access, message)
    return JsonResponse({"id": message.pk, "read_by": [u.display_name for u in readers]})


@login_required
@require_GET
def reports(request):
    if not selectors.moderated_groups(request.user).exists():
        raise Http404
    rows = selectors.open_reports_for(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "messaging/reports.html", {"page": page, "hide_form": forms.HideForm()})


@login_required
@require_GET
def notifications(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "messaging/notifications.html",
        {"page": page, "unread": selectors.unread_notification_count(request.user)},
    )


@login_required
@require_POST
def notification_open(request, notification_id):
    notification = get_object_or_404(request.user.notifications, pk=notification_id)
    services.notification_open(notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("messaging:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_read_all(user=request.user)
    return redirect("messaging:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    user = request.user
    current = getattr(user, "notification_setting", None)
    initial = {"digest_delay": current.digest_delay if current else 60}
    initial["sms_notices"] = user.sms_notices
    sms_allowed = sms_notices.may_choose(user)
    form = forms.NotificationSettingForm(
        request.POST or None, initial=initial, sms_allowed=sms_allowed
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_setting_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("messaging:notifications")
    return render(
        request,
        "messaging/notification_settings.html",
        {"form": form, "now": timezone.now(), "sms_allowed": sms_allowed, "phone": user.mobile},
    )
