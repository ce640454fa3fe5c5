from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.rights import REPORTS_VIEW, has_right


def items(user, roles):
    """The dashboards for those with the right to a region's figures: admins, coordinators
    and observers (read from the role memo the menu already has, no query of its own)."""
    if has_right(user, REPORTS_VIEW):
        return [(_("Dashboards"), reverse("dashboards:home"))]
    return []
