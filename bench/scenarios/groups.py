"""Correction groups at provincial scale: 50,000 groups (2,000 small), a province-level
coordinator of 广东省, and the two pages they open most: the filtered group list and a group page.
"""

import io
import math
from urllib.parse import urlencode

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bench.runner import BenchError
from bench.scenarios import _people
from groups import selectors as group_selectors
from groups import services as group_services
from groups.models import CorrectionGroup, Membership
from groups.views import PAGE_SIZE
from portal import services
from portal.models import AccountKind, Region, StaffRole, User

NAME = "groups"
GROUPS = {"small": 2_000, "full": 50_000}
PROVINCE = "440000"  # 广东省
COORDINATOR = "coordinator@bench.example.cn"
FILTERS = {"stage": "active", "need": "employment"}
LIST_PAGE = 50
SOCIAL_WORKERS, VOLUNTEERS = 4, 6  # one social worker becomes the lead: 10 active members


def seed(scale: str) -> str:
    if User.objects.filter(email=COORDINATOR).exists():  # seeded already, for a scenario using it
        return f"{GROUPS[scale]:,} groups"
    count = GROUPS[scale]
    call_command("seed_scale", groups=count, quiet=True, stdout=io.StringIO())
    coordinator = services.user_create(
        email=COORDINATOR,
        password=None,
        display_name="基准协调员",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    services.staff_role_grant(
        user=coordinator,
        role=StaffRole.Role.COORDINATOR,
        region=Region.objects.get(code=PROVINCE),
        granted_by=None,
    )
    group = _group_of(coordinator)
    people = [
        services.user_create(
            email=f"{kind}.{i}@bench.example.cn",
            password=None,
            display_name=f"{'社工' if kind == AccountKind.SOCIAL_WORKER else '志愿者'}{i}",
            kind=kind,
            created_by=coordinator,
            email_verified=True,
        )
        for kind, n in (
            (AccountKind.SOCIAL_WORKER, SOCIAL_WORKERS),
            (AccountKind.VOLUNTEER, VOLUNTEERS),
        )
        for i in range(n)
    ]
    _people.vetted(people, Region.objects.get(code=PROVINCE))
    lead, *others = people
    group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    for person in others:
        role = (
            Membership.Role.SOCIAL_WORKER
            if person.kind == AccountKind.SOCIAL_WORKER
            else Membership.Role.VOLUNTEER
        )
        group_services.member_add(group=group, user=person, role=role, added_by=coordinator)
    return f"{count:,} groups"


def run(report) -> None:
    coordinator = User.objects.get(email=COORDINATOR)
    client = Client()
    client.force_login(coordinator)

    list_url = reverse("groups:list")
    matching = _filtered_count(coordinator)
    if not matching:
        raise BenchError(f"No group matches {FILTERS}; the list would time an empty page.")
    page = min(LIST_PAGE, math.ceil(matching / PAGE_SIZE))
    # Where a coordinator lands: every group of the province, unfiltered.
    report.measure("coordinator list, no filter", client, list_url)
    report.measure("coordinator list, 2 filters", client, f"{list_url}?{urlencode(FILTERS)}")
    report.measure(
        f"coordinator list, 2 filters, page {page}",
        client,
        f"{list_url}?{urlencode({**FILTERS, 'page': page})}",
    )

    group = _group_of(coordinator)
    members = group.memberships.filter(left_at__isnull=True).count()
    report.measure(
        f"group page ({members} members)", client, reverse("groups:detail", args=[group.code])
    )


def _group_of(coordinator: User) -> CorrectionGroup:
    """The same group every time: the first active one, by code, in the coordinator's region."""
    group = (
        group_selectors.groups_coordinated_by(coordinator)
        .filter(status=CorrectionGroup.Status.ACTIVE)
        .order_by("code")
        .first()
    )
    if group is None:
        raise BenchError(f"No active group under {PROVINCE}; seed_scale made none there.")
    return group


def _filtered_count(coordinator: User) -> int:
    return (
        group_selectors.groups_coordinated_by(coordinator)
        .filter(stage=FILTERS["stage"], needs__code=FILTERS["need"])
        .count()
    )
