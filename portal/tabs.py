"""The phone's bottom tab bar: the ONE place that decides which (at most five) places each role
gets as tabs. Everything else stays in the menu (nav_items), which /me/ lists in full, so a tab
is only ever a shortcut to a place the role's menu already has: a tab whose place is not in the
menu (no right to it) is simply left out.

Tabs are named by URL name; the last tab is always 我的 (/me/)."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from portal.models import AccountKind, StaffRole

MAX_TABS = 5

# Four places per role, then 我的. Messages is in every role's bar: the unread count must be
# visible on every page.
TABS = {
    "coordinator": ["volunteers:queue", "groups:list", "matching:region", "messaging:inbox"],
    AccountKind.VOLUNTEER: [
        "volunteers:activities",
        "volunteers:hours",
        "groups:mine",
        "messaging:inbox",
    ],
    AccountKind.SOCIAL_WORKER: [
        "groups:mine",
        "volunteers:hours_review",
        "partners:referrals",
        "messaging:inbox",
    ],
    AccountKind.LEARNER: [
        "curriculum:mine",
        "curriculum:lessons",
        "groups:mine",
        "messaging:inbox",
    ],
    AccountKind.PARTNER: [
        "partners:mine",
        "partners:referrals",
        "partners:jobs",
        "messaging:inbox",
    ],
    AccountKind.STAFF: ["curriculum:lessons", "curriculum:sessions", "messaging:inbox"],
}


class NavLink(tuple):
    """A menu item that still unpacks as (label, url), with a short tab label and an optional
    badge count (the unread messages) for the tab bar. An app's menu items that depend on the
    person (more than their account kind, admin flag and staff roles) are NavLinks: the menu
    keeps the others per process (portal.context_processors) and asks for these each time."""

    def __new__(cls, label, url, *, short=None, badge=0):
        link = super().__new__(cls, (label, url))
        link.short = short or label
        link.badge = badge
        return link


def role_key(user, roles):
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        return "coordinator"
    return user.kind


def reversing() -> tuple[str, str]:
    """What reverse() answers depend on besides the name: the script prefix and the URL
    configuration (a request's own, or the setting's, which tests override). The key of
    anything reversed once and kept (the tab bar, the menu, the chrome's fixed parts)."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


# The tab bar's URLs by role key (reversed once per process, for each URL prefix and
# configuration): every signed-in page shows the bar.
_URLS: dict[tuple, tuple] = {}


def _urls(key) -> tuple[tuple[str, ...], str]:
    """(the role's places' URLs, in order; the URL of 我的)."""
    cache_key = (key, *reversing())
    urls = _URLS.get(cache_key)
    if urls is None:
        places = []
        for name in TABS.get(key, []):
            try:
                places.append(reverse(name))
            except NoReverseMatch:
                continue
        urls = _URLS[cache_key] = (tuple(places), reverse("portal:dashboard"))
    return urls


def tab_items(user, roles, nav_items):
    """[(label, url, badge)] for the bottom bar: the role's places found in its menu, then 我的."""
    by_url = {url: link for link in nav_items for url in [link[1]]}
    places, me = _urls(role_key(user, roles))
    tabs = []
    for url in places:
        link = by_url.get(url)
        if link is not None:
            tabs.append((getattr(link, "short", link[0]), link[1], getattr(link, "badge", 0)))
    tabs = tabs[: MAX_TABS - 1]
    tabs.append((_("Me"), me, 0))
    return tabs
