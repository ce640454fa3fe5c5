from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import AccountKind, StaffRole


def items(user, roles):
    links = []
    if user.kind in (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER):
        links += [
            (_("My volunteer profile"), reverse("volunteers:profile")),
            (_("My service hours"), reverse("volunteers:hours")),
            (_("Activities"), reverse("volunteers:activities")),
        ]
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        links += [
            (_("Volunteer vetting"), reverse("volunteers:queue")),
            (_("Service hours"), reverse("volunteers:hours_review")),
        ]
    elif user.kind == AccountKind.SOCIAL_WORKER:
        links.append((_("Confirm hours"), reverse("volunteers:hours_review")))
    return links
