"""The one gate into a correction group (groups.gate), rule by rule and path by path.

How this fails when a new path into a group skips the gate:
- Only groups.gate.admit creates a Membership: the source of every app (and bench) is parsed
  and any other creation, bulk creation or re-activation of a membership fails
  `test_no_membership_is_created_outside_the_gate` (seed data of groups/demo.py excepted).
- Every path declares itself where it is written (`gate.path_in("...")`); the declarations are
  read from the source too, and each declared path must have a driver here (PATH_ROLES,
  DRIVERS), or `test_every_declared_path_is_in_the_table` fails. Each path then meets every rule
  that applies to a role it admits (the table below), and once with someone who may join, where
  the gate must have been asked under that path's name.
"""

import ast
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups import gate
from groups import services as group_services
from groups.models import MatchDecline, Membership
from matching import services as matching_services
from partners.models import JobPlacement, Organisation
from portal.models import Industry
from tests import factories
from tests.groups.conftest import group_data
from volunteers.models import VolunteerProfile

ROOT = Path(__file__).resolve().parents[2]
Role = Membership.Role
# Files allowed to write a Membership themselves: the gate, the demo seed's history (the
# people's profiles are seeded after the groups, so nothing could vouch for them yet) and the
# alerts benchmark's synthetic county (10,000 rows at once; no person takes that path), and
# seed_scale's province of members (each chosen by groups.rules, and every one admitted by the
# gate in tests/volunteers/test_scale_members.py).
WRITERS = {"groups/gate.py", "groups/demo.py", "bench/scenarios/alerts.py", "volunteers/scale.py"}
CREATORS = {"create", "bulk_create", "get_or_create", "update_or_create"}


# --- the source: who writes memberships, which paths are declared --------------------------------


def project_sources():
    """(relative path, source) of every Python file of the project but tests and migrations."""
    skip = {".venv", "tests", "node_modules", "migrations", "__pycache__", ".git"}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder, name)
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _mentions_membership(node: ast.AST) -> bool:
    return bool(re.search(r"Membership|memberships", ast.unparse(node)))


def membership_writes(tree: ast.AST) -> list[str]:
    """What in this module creates a membership, or brings an ended one back."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "Membership":
                found.append(ast.unparse(node))
            elif isinstance(func, ast.Attribute) and func.attr in CREATORS:
                if _mentions_membership(func.value):
                    found.append(ast.unparse(node))
            elif isinstance(func, ast.Attribute) and func.attr == "update":
                revived = any(
                    k.arg == "left_at"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is None
                    for k in node.keywords
                )
                role = any(k.arg == "role" for k in node.keywords) and _mentions_membership(
                    func.value
                )
                if revived or role:
                    found.append(ast.unparse(node))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "left_at"
                    and isinstance(node.value, ast.Constant)
                    and node.value.value is None
                ):
                    found.append(ast.unparse(node))
    return found


def declared_paths() -> dict[str, str]:
    """{path name: file} of every gate.path_in(...) call in the source."""
    declared = {}
    for name, source in project_sources():
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "path_in"
                and name != "groups/gate.py"
            ):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{name}: name a path with a literal"
                declared[first.value] = name
    return declared


DECLARED = declared_paths()


def test_no_membership_is_created_outside_the_gate():
    outside = {
        name: writes
        for name, source in project_sources()
        if name not in WRITERS and (writes := membership_writes(ast.parse(source)))
    }
    assert outside == {}, "enter a group through groups.gate.admit (a declared path)"


def test_the_scan_would_see_a_membership_written_by_hand():
    sneaky = """
Membership.objects.create(group=g, user=u, role="volunteer")
group.memberships.create(user=u, role="volunteer")
Membership.objects.bulk_create([Membership(group=g, user=u)])
Membership.objects.filter(pk=1).update(left_at=None)
membership.left_at = None
"""
    assert len(membership_writes(ast.parse(sneaky))) == 6


def test_memberships_are_not_editable_in_any_admin():
    """No Django admin, and no Wagtail snippet of memberships: the admin is no path in."""
    from wagtail.snippets.models import get_snippet_models

    assert not apps.is_installed("django.contrib.admin")
    assert Membership not in get_snippet_models()


def test_every_declared_path_is_registered_once_loaded():
    assert set(DECLARED) == set(gate.PATHS), "a path_in() call the running code never made"
    assert len(gate.PATHS) == 5


# --- the world and the people -----------------------------------------------------------------


@pytest.fixture
def world(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    return SimpleNamespace(
        coordinator=coordinator,
        group=group_services.group_create(data=group_data(regions), created_by=coordinator),
        juvenile=group_services.group_create(
            data=group_data(regions, is_juvenile=True), created_by=coordinator
        ),
        spare=group_services.group_create(data=group_data(regions), created_by=coordinator),
    )


FACTORIES = {
    Role.VOLUNTEER: factories.VolunteerFactory,
    Role.SOCIAL_WORKER: factories.SocialWorkerFactory,
    Role.LEAD: factories.SocialWorkerFactory,
    Role.ENTERPRISE_CONTACT: factories.PartnerMemberFactory,
    Role.UNIVERSITY_CONTACT: factories.PartnerMemberFactory,
}


def person(role, *, status="approved", regions=("440106",), max_groups=2, cleared=False):
    """Someone of the kind `role` needs: a profile with `status` for people, a verified
    organisation of the right kind for contacts."""
    user = FACTORIES[role](display_name="候选人")
    if role in gate.CONTACT_ROLES:
        kind = "university" if role == Role.UNIVERSITY_CONTACT else "enterprise"
        return factories.contact(user, kind=kind)
    factories.vetted(user, regions, cleared=cleared, max_groups=max_groups)
    VolunteerProfile.objects.filter(user=user).update(status=status)
    return user


def enterprise_in_industry(world, code):
    user = person(Role.ENTERPRISE_CONTACT)
    today = timezone.localdate()
    JobPlacement.objects.create(
        organisation=Organisation.objects.get(members__user=user), title="快递分拣员",
        description="<p>分拣</p>", status="open", opens_on=today, closes_on=today,
        industry=Industry.objects.get(code=code), positions=1, salary_min=4000,
        salary_max=5000, employment_type="full_time", hours="每周五天",
    )  # fmt: skip
    return user


def at_capacity(world, role):
    user = person(role, max_groups=1)
    group_services.member_add(
        group=world.spare, user=user, role=Role.VOLUNTEER, added_by=world.coordinator
    )
    return user


def declined(world, role):
    user = person(role)
    kind = user.volunteer_profile.kind
    MatchDecline.objects.create(
        group=world.group, candidate_kind=kind, candidate_id=user.pk, reason="时间不合适"
    )
    return user


def already_in(world, role):
    user = person(role)
    group_services.member_add(group=world.group, user=user, role=role, added_by=world.coordinator)
    return user


def closed(world, role):
    group_services.group_close(group=world.group, reason="released", closed_by=world.coordinator)
    return person(role) if role != Role.LEARNER else None


def wrong_kind(world, role):
    other = {Role.ENTERPRISE_CONTACT: Role.VOLUNTEER, Role.UNIVERSITY_CONTACT: Role.VOLUNTEER}
    return person(other.get(role, Role.ENTERPRISE_CONTACT))


PEOPLE = gate.PERSON_ROLES
CONTACTS = gate.CONTACT_ROLES
ANYONE = PEOPLE | CONTACTS | {Role.LEARNER}
# rule: (roles it applies to, who fails it (world, role) -> user, which group, what they read)
RULES = {
    "not vetted": (PEOPLE, lambda w, r: person(r, status="submitted"), "group", "尚未通过审核"),
    "suspended": (PEOPLE, lambda w, r: person(r, status="suspended"), "group", "已被暂停"),
    "not cleared for juveniles": (PEOPLE, lambda w, r: person(r), "juvenile", "未获准为未成年人"),
    "at capacity": (PEOPLE, at_capacity, "group", "已达到可参与小组的上限"),
    "outside the regions served": (
        PEOPLE, lambda w, r: person(r, regions=("510000",)), "group", "不在其服务区域内",
    ),
    "already declined": (PEOPLE, declined, "group", "已被本小组婉拒"),
    "organisation unverified": (
        CONTACTS,
        lambda w, r: factories.contact(FACTORIES[r](), verified=False),
        "group",
        "所属单位尚未认证",
    ),
    "restriction order": (
        CONTACTS, lambda w, r: enterprise_in_industry(w, "G"), "group", "禁止令禁止该小组从事",
    ),
    "already in": (PEOPLE - {Role.LEAD} | CONTACTS, already_in, "group", "已在本小组中"),
    "wrong kind of account": (ANYONE - {Role.LEARNER}, wrong_kind, "group", "该类账号不能担任"),
    "group closed": (ANYONE, closed, "group", "已结案"),
}  # fmt: skip


def _add(w, group, user, role):
    group_services.member_add(group=group, user=user, role=role, added_by=w.coordinator)


def _lead(w, group, user, role):
    group_services.lead_hand_over(group=group, new_lead=user, handed_over_by=w.coordinator)


def _learner(w, group, user, role):
    group_services.learner_account_create(
        group=group, display_name="学员乙", created_by=w.coordinator
    )


def _kind(user):
    profile = VolunteerProfile.objects.filter(user=user).first()
    return profile.kind if profile else "volunteer"


def _accept(w, group, user, role):
    matching_services.suggestion_accept(
        actor=w.coordinator, group=group, kind=_kind(user), candidate_id=user.pk
    )


def _proposal(w, group, user, role):
    result = matching_services.proposal_accept(
        actor=w.coordinator, rows=[(group, _kind(user), user.pk)]
    )
    if result.refused:
        raise ValidationError(result.refused[0].reason)


# path: (the roles it admits, how a coordinator takes it)
PATH_ROLES = {
    "groups.member_add": ((Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.ENTERPRISE_CONTACT,
                           Role.UNIVERSITY_CONTACT), _add),
    "groups.lead_hand_over": ((Role.LEAD,), _lead),
    "groups.learner_create": ((Role.LEARNER,), _learner),
    "matching.accept": ((Role.VOLUNTEER, Role.SOCIAL_WORKER), _accept),
    "matching.proposal": ((Role.VOLUNTEER, Role.SOCIAL_WORKER), _proposal),
}  # fmt: skip
# Rules a path cannot meet, and why (the rest are computed from the roles above).
NOT_MET = {
    ("wrong kind of account", "matching.accept"): "candidates are found by their profile's kind",
    ("wrong kind of account", "matching.proposal"): "candidates are found by their profile's kind",
}


def cases():
    for path in sorted(DECLARED):
        roles, _driver = PATH_ROLES.get(path, ((), None))
        for rule, (applies, *_rest) in RULES.items():
            role = next((r for r in roles if r in applies), None)
            if role is not None and (rule, path) not in NOT_MET:
                yield pytest.param(rule, path, role, id=f"{path}-{rule}")


def test_every_declared_path_is_in_the_table():
    assert set(DECLARED) <= set(PATH_ROLES), "a new path into a group: add its row here"


def test_every_rule_is_met_on_some_path():
    assert {rule for rule, _path, _role in (c.values for c in cases())} == set(RULES)


@pytest.fixture
def asked(monkeypatch):
    """The paths the gate was asked under, in order."""
    seen = []
    ask = gate.membership_refusals

    def spy(**kwargs):
        seen.append(kwargs["path"])
        return ask(**kwargs)

    monkeypatch.setattr(gate, "membership_refusals", spy)
    return seen


@pytest.mark.parametrize(("rule", "path", "role"), list(cases()))
def test_each_rule_holds_on_each_path_in(world, rule, path, role):
    _applies, fails, which, reads = RULES[rule]
    user = fails(world, role)
    group = getattr(world, which)
    before = Membership.objects.filter(group=group).count()
    with pytest.raises(ValidationError) as refused:
        PATH_ROLES[path][1](world, group, user, role)
    assert reads in " ".join(refused.value.messages), refused.value.messages
    assert Membership.objects.filter(group=group).count() == before  # nothing half-written


@pytest.mark.parametrize("path", sorted(DECLARED))
def test_each_path_in_asks_the_gate_and_lets_a_fit_person_in(world, path, asked):
    roles, enter = PATH_ROLES[path]
    role = roles[0]
    user = person(role) if role != Role.LEARNER else None
    enter(world, world.group, user, role)
    assert path in asked
    joined = world.group.memberships.get(left_at__isnull=True, role=role)
    assert user is None or joined.user == user


# --- what the gate says -----------------------------------------------------------------------


def test_every_reason_is_named_at_once(world):
    unvetted = person(Role.VOLUNTEER, status="submitted", regions=("510000",))
    with pytest.raises(ValidationError) as refused:
        _add(world, world.juvenile, unvetted, Role.VOLUNTEER)
    (message,) = refused.value.messages
    assert message == (
        f"候选人 不能以志愿者身份加入小组 {world.juvenile.code}："
        "尚未通过审核；未获准为未成年人提供服务；不在其服务区域内。"
    )


def test_a_signed_up_volunteer_without_a_profile_is_not_vetted(world):
    reasons = gate.membership_refusals(
        group=world.group, user=factories.VolunteerFactory(), role=Role.VOLUNTEER,
        path="groups.member_add", lock=False,
    )  # fmt: skip
    assert reasons == ["尚未通过审核"]


def test_a_staff_lead_needs_no_profile_and_a_past_member_may_come_back(world):
    staff = factories.coordinator(world.group.judicial_office)
    _lead(world, world.group, staff, Role.LEAD)
    volunteer = person(Role.VOLUNTEER)
    membership = group_services.member_add(
        group=world.group, user=volunteer, role=Role.VOLUNTEER, added_by=world.coordinator
    )
    group_services.member_remove(membership=membership, removed_by=world.coordinator)
    _add(world, world.group, volunteer, Role.VOLUNTEER)  # re-added through the gate
    assert world.group.memberships.filter(user=volunteer).count() == 2


def test_a_lead_whose_standing_lapsed_leaves_instead_of_staying_on(world):
    lead = person(Role.LEAD)
    _lead(world, world.group, lead, Role.LEAD)
    VolunteerProfile.objects.filter(user=lead).update(status="suspended")
    _lead(world, world.group, person(Role.LEAD), Role.LEAD)
    assert not world.group.memberships.filter(user=lead, left_at__isnull=True).exists()


def test_the_lead_path_counts_the_groups_a_lead_already_holds(world):
    lead = person(Role.LEAD, max_groups=1)
    _add(world, world.group, lead, Role.SOCIAL_WORKER)
    _lead(world, world.group, lead, Role.LEAD)  # the same place, now as lead: still one group
    with pytest.raises(ValidationError):
        _lead(world, world.spare, lead, Role.LEAD)


def test_an_unknown_path_is_a_programming_error(world):
    with pytest.raises(Exception, match="not a declared path"):
        gate.membership_refusals(
            group=world.group, user=person(Role.VOLUNTEER), role=Role.VOLUNTEER,
            path="somewhere.else", lock=False,
        )  # fmt: skip


def test_the_gate_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    volunteer = person(Role.VOLUNTEER)
    _add(world, world.spare, volunteer, Role.VOLUNTEER)  # places elsewhere: counted, not read
    with django_assert_max_num_queries(8):
        gate.membership_refusals(
            group=world.group, user=volunteer, role=Role.VOLUNTEER, path="groups.member_add"
        )
