from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import StaffRole
from portal.registry import app_modules
from portal.rights import AUDIT_VIEW, STAFF_MANAGE, has_right
from portal.selectors import user_roles
from portal.tabs import NavLink, reversing, tab_items

# The menu's items, kept per process for each (account kind, admin or not, staff roles,
# language, URL prefix and configuration): every app's nav.py decides by those alone (rights
# come from the roles), and building the menu (some 25 reverse() calls of tens of microseconds
# each, and the rights) cost every signed-in page milliseconds. A module whose items include a
# NavLink (an item with a badge, such as the unread messages) depends on the person: it is asked
# on every request (the first time twice; the unread count is kept on the user object). A list
# of parts: kept items, or a module to ask.
_MENUS: dict[tuple, list] = {}


def _menu_parts(user, roles) -> list:
    key = (
        user.kind,
        user.is_superuser,
        frozenset(roles),
        get_language(),
        *reversing(),
    )
    parts = _MENUS.get(key)
    if parts is None:
        parts = []
        kept = [(_("My workspace"), reverse("portal:dashboard"))]
        for module in app_modules("nav"):
            items = module.items(user, roles)
            if any(isinstance(item, NavLink) for item in items):
                parts += [kept, module]
                kept = []
            else:
                kept.extend(items)
        if user.is_superuser or StaffRole.Role.EDUCATION_OFFICER in roles:
            kept.append((_("Edit lessons"), reverse("wagtailadmin_home")))
        if has_right(user, STAFF_MANAGE):
            kept.append((_("Staff administration"), reverse("staff:list")))
        if has_right(user, AUDIT_VIEW):
            kept.append((_("Audit log"), reverse("portal:audit_log")))
        parts.append(kept)
        _MENUS[key] = parts
    return parts


def navigation(request):
    """The menu, by role: each person sees the places that are theirs."""
    user = getattr(request, "user", None)
    items = [(_("Home"), "/")]
    tabs = []
    if user is not None and user.is_authenticated:
        roles = user_roles(user)
        for part in _menu_parts(user, roles):
            items.extend(part if isinstance(part, list) else part.items(user, roles))
        tabs = tab_items(user, roles, items)
    # Each language in its own name (简体中文, English), whatever the page's language.
    return {"nav_items": items, "tab_items": tabs, "settings_languages": settings.LANGUAGES}
