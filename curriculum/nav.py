from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import AccountKind, StaffRole
from portal.rights import REPORTS_VIEW, has_right

STAFF = {StaffRole.Role.COORDINATOR, StaffRole.Role.EDUCATION_OFFICER}
# Who may lead a group (groups.services.ROLE_KINDS): told apart by account kind, so the menu
# costs no query on every page.
LEAD_KINDS = {AccountKind.SOCIAL_WORKER, AccountKind.STAFF}


def items(user, roles):
    """Lessons for everyone; their own lessons for learners and possible leads; sessions for
    those who run them; the hours report for coordinators."""
    links = [(_("Lessons"), reverse("curriculum:lessons"))]
    if user.kind == AccountKind.LEARNER or user.kind in LEAD_KINDS:
        links.append((_("My lessons"), reverse("curriculum:mine")))
    if user.is_superuser or roles & STAFF or user.kind in LEAD_KINDS:
        links.append((_("Offline sessions"), reverse("curriculum:sessions")))
    if has_right(user, REPORTS_VIEW):
        links.append((_("Learning hours report"), reverse("curriculum:report")))
    return links
