from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import StaffRole
from portal.registry import app_modules
from portal.rights import AUDIT_VIEW, STAFF_MANAGE, has_right
from portal.selectors import user_roles
from portal.tabs import tab_items


def navigation(request):
    """The menu, by role: each person sees the places that are theirs."""
    user = getattr(request, "user", None)
    items = [(_("Home"), "/")]
    tabs = []
    if user is not None and user.is_authenticated:
        items.append((_("My workspace"), reverse("portal:dashboard")))
        roles = user_roles(user)
        for module in app_modules("nav"):
            items.extend(module.items(user, roles))
        if user.is_superuser or StaffRole.Role.EDUCATION_OFFICER in roles:
            items.append((_("Edit lessons"), reverse("wagtailadmin_home")))
        if has_right(user, STAFF_MANAGE):
            items.append((_("Staff administration"), reverse("staff:list")))
        if has_right(user, AUDIT_VIEW):
            items.append((_("Audit log"), reverse("portal:audit_log")))
        tabs = tab_items(user, roles, items)
    # Each language in its own name (简体中文, English), whatever the page's language.
    return {"nav_items": items, "tab_items": tabs, "settings_languages": settings.LANGUAGES}
