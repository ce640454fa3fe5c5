from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import StaffRole


def items(user, roles):
    """The region's matching overview for those who coordinate a region (the view checks)."""
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        return [(_("Matching in my region"), reverse("matching:region"))]
    return []
