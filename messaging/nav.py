from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from messaging.selectors import UNREAD_CAP, unread_total
from portal.tabs import NavLink


def items(user, roles):
    """Messages with the unread count (one query), and the notifications page."""
    unread = unread_total(user)
    if unread > UNREAD_CAP:
        label = _("Messages (%(count)d+ unread)") % {"count": UNREAD_CAP}
    elif unread:
        label = _("Messages (%(count)d unread)") % {"count": unread}
    else:
        label = _("Messages")
    return [
        # The tab bar shows the short name with the count as a badge ("99+" past the cap).
        NavLink(
            label,
            reverse("messaging:inbox"),
            short=_("Messages"),
            badge=f"{UNREAD_CAP}+" if unread > UNREAD_CAP else unread,
        ),
        (_("Notifications"), reverse("messaging:notifications")),
    ]
