"""The person pickers of a group's pages: who a coordinator or the lead may add as a member, and
to whom the lead may be handed over, found by a fragment of their display name (or, for a
coordinator of the group, by the exact e-mail address or mobile number of the account).

Scoped to the user asking and to one group: the view has already decided that the user manages
the group's members (selectors.group_for_user). Candidates come from the gate's pool (the
accounts the apps above could vouch for in this group: approved people serving its region,
members of verified organisations in its province) or, for the lead, from the group's current
members; then groups.gate decides for all of them at once (refusals_by_person), so a picker
offers only people the add would let in, in a fixed number of queries. The gate asks again,
under its locks, when the form is sent.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from groups import gate, services
from groups.models import CorrectionGroup, Membership
from groups.selectors import GroupAccess
from portal.models import User
from portal.validators import normalise_mobile

Role = Membership.Role
# Roles a member is added in by hand (the lead is handed over; the learner's account is made).
ADDABLE_ROLES = tuple(r for r in Role if r not in (Role.LEAD, Role.LEARNER))
LIMIT = 20  # people in one answer
# Candidates asked of the gate per search: a name fragment matching more people in the pool
# than this shows those among the first that the gate admits (type more of the name).
WINDOW = 3 * LIMIT
MIN_QUERY = 2  # characters: a two-character Chinese name fragment (张伟) is a search
MAX_QUERY = 50  # the display name's length


@dataclass(frozen=True)
class Person:
    """One person a picker offers: what the list shows, and the id the form sends."""

    id: int
    name: str
    detail: str  # the second line: their kind of account, their organisation; nothing private

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "detail": self.detail}


def clean_query(raw) -> str:
    """The search text, or a translated ValidationError saying what is wrong with it."""
    query = " ".join(str(raw or "").split())
    if len(query) < MIN_QUERY:
        raise ValidationError(
            _("Type at least %(count)d characters of the name.") % {"count": MIN_QUERY},
            code="short",
        )
    if len(query) > MAX_QUERY:
        raise ValidationError(
            _("Type at most %(count)d characters.") % {"count": MAX_QUERY}, code="long"
        )
    if any(not ch.isprintable() for ch in query):
        raise ValidationError(_("The search contains characters that cannot be typed."))
    return query


def clean_role(raw) -> str:
    """A role a member may be added in, or a translated ValidationError."""
    if raw not in ADDABLE_ROLES:
        raise ValidationError(_("Choose the role the person takes in the group."), code="role")
    return raw


class Picker:
    """The people `user` may pick in `group`: as a member in a role (`for_lead` False) or as the
    new lead. `access` is the user's access to the group, already checked by the caller."""

    def __init__(self, user: User, group: CorrectionGroup, access: GroupAccess, *, for_lead=False):
        self.user, self.group, self.access, self.for_lead = user, group, access, for_lead

    def _role(self, role: str | None) -> str:
        return Role.LEAD if self.for_lead else clean_role(role)

    def _path(self) -> str:
        return services.LEAD_HAND_OVER if self.for_lead else services.MEMBER_ADD

    def _candidates(self, role: str) -> QuerySet:
        if not self.for_lead:
            return gate.pool(group=self.group, role=role)
        # The new lead is one of the group's current members (not the lead), who may lead.
        return User.objects.filter(
            pk__in=Membership.objects.filter(group=self.group, left_at__isnull=True)
            .exclude(role=Role.LEAD)
            .values("user_id"),
            kind__in=gate.ROLE_KINDS[Role.LEAD],
            is_active=True,
        )

    def _matching(self, query: str) -> QuerySet:
        """Accounts whose display name holds `query`; a coordinator of the group also finds an
        account by its whole e-mail address or mobile number (never a fragment of either)."""
        if self.access.is_coordinator:
            if "@" in query:
                return User.objects.filter(email__iexact=query)
            mobile = normalise_mobile(query)
            if mobile and mobile.isascii() and mobile.isdigit() and len(mobile) == 11:
                return User.objects.filter(mobile=mobile)
        return User.objects.filter(display_name__icontains=query)

    def _admitted(self, users: list[User], role: str) -> list[Person]:
        refusals = gate.refusals_by_person(
            group=self.group, users=users, role=role, path=self._path()
        )
        admitted = [u for u in users if not refusals[u.pk]]
        shown = gate.shown_as(self.group, admitted, role) if role in gate.CONTACT_ROLES else {}
        if self.for_lead:
            roles = dict(
                Membership.objects.filter(
                    group=self.group, user__in=admitted, left_at__isnull=True
                ).values_list("user_id", "role")
            )
        people = []
        for user in admitted:
            detail = shown.get(user.pk) or user.get_kind_display()
            if self.for_lead and user.pk in roles:
                detail = _("%(kind)s · %(role)s in this group") % {
                    "kind": user.get_kind_display(),
                    "role": Role(roles[user.pk]).label,
                }
            people.append(Person(id=user.pk, name=str(user), detail=detail))
        return people

    def search(self, query: str, *, role: str | None = None, limit: int = LIMIT) -> list[Person]:
        """At most `limit` people whose name holds `query` (cleaned by clean_query) that the gate
        would let in now, by name. A fixed number of queries, whatever the number of people."""
        role = self._role(role)
        users = list(
            self._candidates(role)
            .filter(pk__in=self._matching(query).values("pk"))
            .order_by("display_name", "pk")[:WINDOW]
        )
        return self._admitted(users, role)[:limit]

    def pick(self, person_id: int, *, role: str | None = None) -> User | None:
        """The account with this id if it is within this picker's scope, else None (an id from
        elsewhere, someone the user may not pick). Whether the gate lets them in is the
        service's to say, with its reasons, under its locks."""
        return self._candidates(self._role(role)).filter(pk=person_id).first()
