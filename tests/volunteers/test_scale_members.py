"""seed_scale --members: every open group of a synthetic province gets a lead and helpers, each
of whom the gate itself would let in, with room left for matching's suggestions."""

import io
import math
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from groups import gate
from groups.models import CorrectionGroup, Membership
from groups.scale import create_groups
from groups.services import MEMBER_ADD
from portal.models import AccountKind, Region, User
from volunteers.models import VolunteerProfile
from volunteers.scale import create_people, staff_groups

pytestmark = pytest.mark.django_db
HELPERS = (Membership.Role.VOLUNTEER, Membership.Role.SOCIAL_WORKER)


def seed(**counts):
    call_command("seed_scale", members=True, quiet=True, stdout=io.StringIO(), **counts)


def test_every_open_group_gets_one_lead_of_its_office_s_staff(reference_data):
    seed(groups=40, volunteers=400, social_workers=80)
    open_groups = set(CorrectionGroup.objects.filter(status="active").values_list("pk", flat=True))
    leads = Membership.objects.filter(role=Membership.Role.LEAD, left_at__isnull=True)
    assert sorted(leads.values_list("group_id", flat=True)) == sorted(open_groups)
    kinds = set(User.objects.filter(pk__in=leads.values("user_id")).values_list("kind", flat=True))
    assert kinds == {AccountKind.STAFF}
    for lead in leads.select_related("user", "group__judicial_office"):
        assert lead.group.judicial_office.code in lead.user.email  # staff of that office


def test_each_helper_is_one_the_gate_would_admit_and_takes_half_their_places(reference_data):
    """Sixty groups of one office and thirty people serving it: more places wanted than the
    people have, so the cap on each person is reached."""
    from portal import services
    from portal.demo_regions import REGIONS

    services.region_tree_load(tree=REGIONS)
    office = Region.objects.filter(depth=Region.Level.JUDICIAL_OFFICE).order_by("path").first()
    rng = random.Random(7)
    create_groups(60, rng=rng, offices=[office])
    create_people(30, kind=AccountKind.VOLUNTEER, rng=rng, regions=[office])
    create_people(6, kind=AccountKind.SOCIAL_WORKER, rng=rng, regions=[office.get_parent()])
    made = staff_groups(rng=rng)
    helpers = list(Membership.objects.filter(role__in=HELPERS).select_related("group", "user"))
    assert made == len(helpers) + CorrectionGroup.objects.filter(status="active").count()
    assert {m.role for m in helpers} == set(HELPERS)
    for membership in helpers:
        # Taken out again (in a savepoint, undone), the gate admits them on every rule:
        # approved, serving the office's region, cleared for a juvenile group, within capacity.
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).delete()
            refusals = gate.membership_refusals(
                group=membership.group, user=membership.user, role=membership.role,
                path=MEMBER_ADD,
            )  # fmt: skip
            assert refusals == [], (membership.user, membership.group.code, refusals)
            transaction.set_rollback(True)
    loads = Counter(m.user_id for m in helpers)
    most = dict(VolunteerProfile.objects.values_list("user_id", "max_groups"))
    assert all(n <= math.ceil(most[user] / 2) for user, n in loads.items())
    assert any(n == math.ceil(most[user] / 2) for user, n in loads.items())
    approved = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPROVED)
    assert set(loads) <= set(approved.values_list("user_id", flat=True))


def test_run_again_it_leaves_groups_with_members_alone(reference_data):
    seed(groups=20, volunteers=200, social_workers=40)
    before = Membership.objects.count()
    seed()
    assert Membership.objects.count() == before
    assert User.objects.filter(kind=AccountKind.STAFF).count() == len(
        set(User.objects.filter(kind=AccountKind.STAFF).values_list("email", flat=True))
    )
