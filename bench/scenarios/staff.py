"""Staff administration at provincial scale: 5,000 staff roles (500 small) over the counties and
judicial offices of 广东省, and the page a province coordinator opens to manage them: the staff
list, unfiltered and with three filters, and one person's roles."""

import random
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from bench.runner import BenchError
from portal import services
from portal.demo_regions import REGIONS
from portal.models import AccountKind, Region, StaffRole, User
from portal.staff.filters import StaffRoleFilter
from portal.staff.selectors import staff_roles_visible_to

NAME = "staff"
ROLES = {"small": 500, "full": 5_000}
PROVINCE = "440000"  # 广东省
COORDINATOR = "staff.coordinator@bench.example.cn"
FILTERS = {"role": StaffRole.Role.OBSERVER, "status": "invited", "person": "工作人员1"}
ROLES_PER_PERSON = 2


def seed(scale: str) -> str:
    services.region_tree_load(tree=REGIONS)
    coordinator = services.user_create(
        email=COORDINATOR,
        password=None,
        display_name="人员管理基准协调员",
        kind=AccountKind.STAFF,
        email_verified=True,
    )
    province = Region.objects.get(code=PROVINCE)
    services.staff_role_grant(
        user=coordinator, role=StaffRole.Role.COORDINATOR, region=province, granted_by=None
    )
    # Another scenario may have granted roles already: top up to the size, no more.
    missing = max(0, ROLES[scale] - StaffRole.objects.count())
    rng = random.Random(13)
    unusable = make_password(None)
    regions = list(province.subtree().filter(depth__gte=Region.Level.COUNTY))
    people = User.objects.bulk_create(
        User(
            email=f"staff{n}@bench.example.cn",
            display_name=f"工作人员{n}",
            kind=AccountKind.STAFF,
            password=unusable,  # invited: no password set yet
        )
        for n in range(-(-missing // ROLES_PER_PERSON))
    )
    roles = [
        StaffRole(user=person, role=role, region=region, granted_by=coordinator)
        for person in people
        for role, region in zip(
            rng.sample(StaffRole.Role.values, ROLES_PER_PERSON),
            rng.sample(regions, ROLES_PER_PERSON),
            strict=True,
        )
    ]
    StaffRole.objects.bulk_create(roles[:missing])
    return f"{StaffRole.objects.count():,} staff roles"


def run(report) -> None:
    coordinator = User.objects.get(email=COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    url = reverse("staff:list")
    report.measure("staff list, province coordinator", client, url)
    found = StaffRoleFilter(FILTERS, queryset=staff_roles_visible_to(coordinator), user=coordinator)
    if not found.is_valid() or not found.qs.exists():
        raise BenchError(f"No staff role matches {FILTERS}; the list would time an empty page.")
    report.measure("staff list, 3 filters", client, f"{url}?{urlencode(FILTERS)}")
    person = StaffRole.objects.exclude(user=coordinator).values_list("user_id", flat=True)[0]
    report.measure("a person's roles", client, reverse("staff:person", args=[person]))
