"""To-dos of the messaging app on the home page (portal.todo): unread messages, one query."""

from django.urls import reverse
from django.utils.translation import gettext as _

from messaging.selectors import UNREAD_CAP, unread_total
from portal.todo import Todo


def items(user, roles) -> list[Todo]:
    unread = unread_total(user)
    note = _("more than %(count)d") % {"count": UNREAD_CAP} if unread > UNREAD_CAP else ""
    return [
        Todo(
            _("Unread messages"),
            reverse("messaging:inbox"),
            count=min(unread, UNREAD_CAP),
            note=note,
            urgent=bool(unread),
        )
    ]
