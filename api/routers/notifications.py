"""My notifications: the list (newest first, with the unread count) and marking them read
(messaging.selectors.notifications_of, messaging.services as the notifications page)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from api.adapters import MAX_ID, PagingQuery, page
from api.schemas import READ_ERRORS, WRITE_ERRORS
from messaging import selectors, services

router = Router()


class Notification(Schema):
    id: int
    kind: str
    title: str
    body: str
    # A path on this site (the page the notice is about), or empty.
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[Notification]


class ReadAll(Schema):
    marked: int


def _row(n) -> Notification:
    return Notification(
        id=n.pk,
        kind=n.kind,
        title=n.title,
        body=n.body,
        url=n.url,
        created_at=n.created_at,
        read_at=n.read_at,
    )


@router.get("", response={200: NotificationPage, **READ_ERRORS}, summary="My notifications")
def notification_list(request, paging: PagingQuery):
    count, rows = page(selectors.notifications_of(request.auth), paging)
    return NotificationPage(
        count=count,
        unread=selectors.unread_notification_count(request.auth),
        items=[_row(n) for n in rows],
    )


@router.post("/read-all", response={200: ReadAll, **WRITE_ERRORS}, summary="Mark all read")
def read_all(request):
    return ReadAll(marked=services.notifications_read_all(user=request.auth))


@router.post("/{notification_id}/read", response={200: Notification, **WRITE_ERRORS})
def mark_read(request, notification_id: int = Path(..., ge=1, le=MAX_ID)):
    """Mark one of my notifications read; anyone else's is 404."""
    notification = get_object_or_404(selectors.notifications_of(request.auth), pk=notification_id)
    return _row(services.notification_open(notification=notification))
