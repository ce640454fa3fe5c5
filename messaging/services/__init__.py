"""Writes of messaging, by sub-domain; imported from here (`from messaging.services import
notify`) so callers do not depend on the split."""

from messaging.services.chat import (
    EDIT_WINDOW,
    MAX_BODY,
    direct_open,
    message_delete,
    message_edit,
    message_send,
    read_mark,
    room_ensure,
    subject_thread_ensure,
)
from messaging.services.moderation import message_hide, message_report
from messaging.services.notifications import (
    digest_send,
    notification_open,
    notification_setting_update,
    notifications_read_all,
    notify,
)

__all__ = [
    "EDIT_WINDOW",
    "MAX_BODY",
    "digest_send",
    "direct_open",
    "message_delete",
    "message_edit",
    "message_hide",
    "message_report",
    "message_send",
    "notification_open",
    "notification_setting_update",
    "notifications_read_all",
    "notify",
    "read_mark",
    "room_ensure",
    "subject_thread_ensure",
]
