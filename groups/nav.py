from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import StaffRole


def items(user, roles):
    links = []
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        links.append((_("Correction groups"), reverse("groups:list")))
    links.append((_("My groups"), reverse("groups:mine")))
    return links
