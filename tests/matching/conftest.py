"""Real rows for the matching engine: a group in 石牌街司法所 (天河区) that needs psychological
support and legal aid, and a helper making approved volunteers, social workers, jobs and
programmes around it."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from groups import services
from partners.credit_code import make_credit_code
from partners.models import JobPlacement, Organisation, Programme
from portal.models import Industry, OffenceCategory
from tests import factories
from tests.groups.conftest import (
    group_data,
    world,  # noqa: F401  (a group with a member of every kind)
)
from volunteers.models import Language, Skill, VolunteerProfile


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


class Maker:
    def __init__(self, regions):
        self.regions = regions
        self.serial = 0

    def person(self, name, *, kind="volunteer", regions=("440106005",),
               skills=("psychological_counselling",), status="approved", max_groups=2,
               availability=0, languages=(), qualification="", cleared=False):  # fmt: skip
        factory = factories.SocialWorkerFactory if kind == "social_worker" else (
            factories.VolunteerFactory)  # fmt: skip
        user = factory(display_name=name)
        profile = VolunteerProfile.objects.create(
            user=user, kind=kind, status=status, real_name=name, max_groups=max_groups,
            availability=availability, qualification=qualification,
            cleared_for_juveniles=cleared,
        )  # fmt: skip
        profile.regions.set([self.regions[c] for c in regions])
        profile.skills.set(Skill.objects.filter(code__in=skills))
        profile.languages.set(Language.objects.filter(code__in=languages))
        return user

    def organisation(self, name="粤海物流有限公司", *, status="verified"):
        self.serial += 1
        return Organisation.objects.create(
            kind="enterprise", name=name,
            credit_code=make_credit_code(f"91440106M{self.serial:08d}"),
            region=self.regions["440106"], address="天河路1号", contact_name="陈经理",
            contact_phone="13800138000", status=status,
        )  # fmt: skip

    def job(self, title="仓库管理员", *, organisation=None, places=("440106",), industry="G",
            status="open", positions=2, salary=5000, housing=False, excluded=()):  # fmt: skip
        today = timezone.localdate()
        job = JobPlacement.objects.create(
            organisation=organisation or self.organisation(), title=title,
            description="<p>欢迎</p>", status=status, opens_on=today - timedelta(days=3),
            closes_on=today + timedelta(days=30), industry=Industry.objects.get(code=industry),
            positions=positions, salary_min=salary, salary_max=salary + 1000,
            employment_type="full_time", hours="每周五天", housing=housing,
        )  # fmt: skip
        job.work_locations.set([self.regions[c] for c in places])
        job.excluded_offences.set(OffenceCategory.objects.filter(code__in=excluded))
        return job

    def programme(self, title="法律援助咨询日", *, kind="legal_aid", places=("440106",),
                  capacity=5, organisation=None, status="open"):  # fmt: skip
        today = timezone.localdate()
        programme = Programme.objects.create(
            organisation=organisation or self.organisation(), title=title,
            description="<p>面向社区矫正对象</p>", status=status,
            opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=30),
            kind=kind, capacity=capacity, schedule="每周一次",
        )  # fmt: skip
        programme.regions.set([self.regions[c] for c in places])
        return programme


@pytest.fixture
def make(regions, reference_data, chinese):
    return Maker(regions)


@pytest.fixture
def scene(regions, reference_data, chinese):
    """A group in 石牌街 needing psychological support (high) and legal aid (medium), its
    coordinator (天河区), and a coordinator of 武侯区 in another province."""
    coordinator = factories.coordinator(regions["440106"])
    group = services.group_create(
        data=group_data(
            regions,
            needs={"psychological_support": 1, "legal_aid": 2, "employment": 2},
            forbidden_industries=list(Industry.objects.filter(code__in=["R"])),
        ),
        created_by=coordinator,
    )
    return SimpleNamespace(
        group=group,
        coordinator=coordinator,
        other_coordinator=factories.coordinator(regions["510107"]),
    )
