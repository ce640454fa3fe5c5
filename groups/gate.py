"""The one gate into a correction group: whether a person may hold a role in a group right now,
with the reasons in words (groups.rules, worded once), and the only code that creates a
Membership.

Every path into a group (adding a member, handing over the lead, the learner's login, accepting
a suggestion, accepting a bulk proposal) declares itself once with `path_in` and enters
through `admit`, which asks the gate first. tests/groups/test_gate.py runs every declared path
against every rule, and fails on a Membership created anywhere but here.

Row locks: the gate locks the group's row, then the person's rows as the facts provider reads
them (a volunteer's profile, a partner's organisations), inside the caller's transaction and
always in this order. Two coordinators giving one person their last place at once queue on the
person's row and the second one counts the first one's membership; a suspension (which locks
the profile and then ends memberships, never locking a group) either lands before the check,
which then refuses, or waits until the new membership is committed, and then ends it too.

Facts about a person come from the apps above groups, registered in their AppConfig.ready with
`register_facts` (volunteers: vetting, suspension, juvenile clearance, load, regions served;
partners: their organisation's verification and the industries it works in), so groups imports
neither of them (dependency inversion, as portal.changes). A provider answers for many people at
once, so `refusals_by_person` asks the gate about a picker's candidates in a fixed number of
queries; the same apps register a `pool` per role (`register_pool`), the accounts they could
vouch for in a group, as a query: a picker's pre-selection, never the decision (groups.people).
"""

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import rules
from groups.models import CorrectionGroup, MatchDecline, Membership
from portal.models import AccountKind, User

Role = Membership.Role

# Which kinds of account may hold which role in a group.
ROLE_KINDS = {
    Role.LEAD: {AccountKind.STAFF, AccountKind.SOCIAL_WORKER},
    Role.SOCIAL_WORKER: {AccountKind.SOCIAL_WORKER},
    Role.VOLUNTEER: {AccountKind.VOLUNTEER, AccountKind.SOCIAL_WORKER},
    Role.UNIVERSITY_CONTACT: {AccountKind.PARTNER},
    Role.ENTERPRISE_CONTACT: {AccountKind.PARTNER},
    Role.LEARNER: {AccountKind.LEARNER},
}
PERSON_ROLES = frozenset({Role.LEAD, Role.SOCIAL_WORKER, Role.VOLUNTEER})
CONTACT_ROLES = frozenset({Role.UNIVERSITY_CONTACT, Role.ENTERPRISE_CONTACT})
# Roles a person holds only on facts an app above vouches for (a staff lead needs none: the
# provider answers None for them; a learner's account is made for the group).
ROLES_WITH_FACTS = PERSON_ROLES | CONTACT_ROLES
# Suggestions are declined by the kind of profile; a person is declined whichever it was.
PERSON_KINDS = (MatchDecline.CandidateKind.VOLUNTEER, MatchDecline.CandidateKind.SOCIAL_WORKER)


@dataclass(frozen=True)
class Facts:
    """What an app above knows of a person for one role in one group, read (and locked) now.
    A field left None is a rule that does not apply to them (a partner has no clearance)."""

    vetted: bool | None = None
    suspended: bool = False
    cleared_for_juveniles: bool | None = None
    load: int | None = None  # active places in open groups, this group not counted
    max_groups: int | None = None
    served_paths: tuple[str, ...] | None = None  # regions served (treebeard paths)
    organisation_verified: bool | None = None
    industries: Mapping[str, str] | None = None  # code -> name of the industries they work in
    # Not a rule: what a picker may show under the person's name (their organisation's name).
    shown_as: str = ""


# provider(*, group, users, role, lock) -> {user id: Facts}, leaving out whoever it knows
# nothing of.
Provider = Callable[..., Mapping[int, Facts]]
# pool(*, group, role) -> a QuerySet of the users it could vouch for in `group` as `role`.
Pool = Callable[..., QuerySet]
_providers: dict[str, list[Provider]] = {}
_pools: dict[str, list[Pool]] = {}
PATHS: dict[str, str] = {}


def register_facts(roles: Iterable[str], provider: Provider) -> None:
    """Called by an app above in its AppConfig.ready: `provider` answers for these roles."""
    for role in roles:
        found = _providers.setdefault(role, [])
        if provider not in found:
            found.append(provider)


def register_pool(roles: Iterable[str], pool: Pool) -> None:
    """Called by an app above in its AppConfig.ready: `pool` pre-selects, as a query, the users
    it could vouch for in a group for these roles (a picker's candidates; the gate decides)."""
    for role in roles:
        found = _pools.setdefault(role, [])
        if pool not in found:
            found.append(pool)


def pool(*, group: CorrectionGroup, role: str) -> QuerySet:
    """The active accounts of the kinds `role` takes that an app above could vouch for in
    `group` (every fitting account when no app speaks for the role). A pre-selection: ask
    `refusals_by_person` before offering anyone."""
    users = User.objects.filter(kind__in=ROLE_KINDS[role], is_active=True)
    pools = _pools.get(role, [])
    if not pools:
        return users
    vouched = Q(pk__in=[])
    for found in pools:
        vouched |= Q(pk__in=found(group=group, role=role).values("pk"))
    return users.filter(vouched)


def path_in(name: str, description: str) -> str:
    """Declare a path into a group (once, where it is written); returns its name for `admit`."""
    PATHS[name] = description
    return name


def _facts(group: CorrectionGroup, users: list[User], role: str, lock: bool) -> dict:
    """{user id: [Facts]} from every provider of the role (each one query or a few, for all)."""
    providers = _providers.get(role, [])
    if role in ROLES_WITH_FACTS and not providers:
        raise ImproperlyConfigured(f"No app registered the facts for the group role {role!r}.")
    found: dict[int, list[Facts]] = {}
    for provider in providers:
        answers = provider(group=group, users=users, role=role, lock=lock) if users else {}
        for pk, facts in answers.items():
            found.setdefault(pk, []).append(facts)
    return found


def _fact_reasons(group: CorrectionGroup, facts: Facts, forbidden) -> list[str | None]:
    reasons = []
    if facts.vetted is not None:
        reasons.append(rules.vetting_refusal(vetted=facts.vetted, suspended=facts.suspended))
    if facts.organisation_verified is not None:
        reasons.append(rules.verification_refusal(facts.organisation_verified))
    if facts.cleared_for_juveniles is not None:
        reasons.append(
            rules.juvenile_refusal(
                is_juvenile=group.is_juvenile, cleared=facts.cleared_for_juveniles
            )
        )
    if facts.served_paths is not None:
        reasons.append(rules.region_refusal(facts.served_paths, group.judicial_office.path))
    if facts.load is not None and facts.max_groups is not None:
        reasons.append(rules.capacity_refusal(load=facts.load, max_groups=facts.max_groups))
    if facts.industries:
        reasons += [
            rules.industry_refusal(code, forbidden(), name=name)
            for code, name in sorted(facts.industries.items())
        ]
    return reasons


def _known(path: str) -> None:
    if path not in PATHS:
        raise ImproperlyConfigured(f"{path!r} is not a declared path into a group (path_in).")


def membership_refusals(
    *, group: CorrectionGroup, user: User, role: str, path: str, lock: bool = True
) -> list[str]:
    """Every reason why `user` may not hold `role` in `group` now, translated, in the order a
    coordinator reads them; [] when they may. With `lock` (the default; inside a transaction)
    the group's row and then the person's rows are locked until the caller's commit."""
    return refusals_by_person(group=group, users=[user], role=role, path=path, lock=lock)[user.pk]


def refusals_by_person(
    *, group: CorrectionGroup, users: Iterable[User], role: str, path: str, lock: bool = False
) -> dict[int, list[str]]:
    """membership_refusals() for many people at once, {user id: reasons}, in a fixed number of
    queries however many they are (a picker's candidates; without `lock` by default)."""
    _known(path)
    if role not in ROLE_KINDS:
        raise ValueError(f"Unknown group role {role!r}.")
    users = list(users)
    rows = CorrectionGroup.objects.select_related("judicial_office")
    group = (rows.select_for_update(of=("self",)) if lock else rows).get(pk=group.pk)
    fitting = [u for u in users if u.kind in ROLE_KINDS[role]]
    ids = [u.pk for u in fitting]
    members = set()
    # A new lead may already be a member: the hand-over ends that place.
    if role != Role.LEAD and ids:
        members = set(
            Membership.objects.filter(group=group, user__in=ids, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    declined = set()
    if role in PERSON_ROLES and ids:
        declined = set(
            MatchDecline.objects.filter(
                group=group, candidate_kind__in=PERSON_KINDS, candidate_id__in=ids
            ).values_list("candidate_id", flat=True)
        )
    facts = _facts(group, fitting, role, lock)
    forbidden = functools.cache(
        lambda: set(group.forbidden_industries.values_list("code", flat=True))
    )
    found = {}
    for user in users:
        reasons = [rules.closed_group_refusal(group.is_closed)]
        fits = user.kind in ROLE_KINDS[role]
        reasons.append(rules.role_refusal(fits=fits, role=Role(role).label))
        if fits:
            reasons.append(rules.account_refusal(user.is_active))
            reasons.append(rules.member_refusal(user.pk in members))
            if role in PERSON_ROLES:
                reasons.append(rules.declined_refusal(user.pk in declined))
            for one in facts.get(user.pk, []):
                reasons += _fact_reasons(group, one, forbidden)
        found[user.pk] = list(dict.fromkeys(r for r in reasons if r))
    return found


def shown_as(group: CorrectionGroup, users: Iterable[User], role: str) -> dict[int, str]:
    """What the apps above would show under each person's name (their organisation's name), for
    a picker; "" when nothing. No lock."""
    users = list(users)
    return {
        pk: next((f.shown_as for f in facts if f.shown_as), "")
        for pk, facts in _facts(group, users, role, False).items()
    }


def membership_refusal(**kwargs) -> str | None:
    """The reasons of membership_refusals() as one clause ("尚未通过审核；…"), or None."""
    reasons = membership_refusals(**kwargs)
    return _("; ").join(reasons) if reasons else None


def membership_check(*, group: CorrectionGroup, user: User, role: str, path: str) -> None:
    """Refuse, naming every reason, unless `user` may hold `role` in `group` now (locks)."""
    reason = membership_refusal(group=group, user=user, role=role, path=path)
    if reason:
        message = _("%(name)s cannot join group %(code)s as %(role)s: %(reasons)s.") % {
            "name": user,
            "code": group.code,
            "role": Role(role).label,
            "reasons": reason,
        }
        raise ValidationError({"user": ValidationError(message, code="gate")})


def admit(
    *,
    group: CorrectionGroup,
    user: User,
    role: str,
    added_by: User | None,
    path: str,
    joined_at=None,
) -> Membership:
    """Through the gate into the group: checked under the locks, then the membership is written
    (the caller audits and announces it, in the same transaction)."""
    membership_check(group=group, user=user, role=role, path=path)
    return Membership.objects.create(
        group=group,
        user=user,
        role=role,
        added_by=added_by,
        joined_at=joined_at or timezone.now(),
    )
