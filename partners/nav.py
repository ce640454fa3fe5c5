from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import AccountKind, StaffRole


def items(user, roles):
    links = [
        (_("Jobs"), reverse("partners:jobs")),
        (_("Programmes"), reverse("partners:programmes")),
    ]
    if user.kind == AccountKind.PARTNER:
        links.append((_("My organisations"), reverse("partners:mine")))
    if user.kind in (AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER):
        links.append((_("My affiliations"), reverse("partners:my_affiliations")))
    if user.is_superuser or StaffRole.Role.COORDINATOR in roles:
        links.append((_("Verify organisations"), reverse("partners:verification")))
    links.append((_("Referrals"), reverse("partners:referrals")))
    return links
