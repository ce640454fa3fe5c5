"""Partners at provincial scale: the public job list with three filters over 10,000 postings
(1,000 small), and an employer's dashboard with 500 referrals (50 small) on its postings."""

import io
import random
from datetime import timedelta
from urllib.parse import urlencode

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.runner import BenchError
from groups.models import CorrectionGroup
from groups.scale import create_groups
from partners import selectors
from partners.filters import JobFilter
from partners.models import Organisation, OrganisationMember, Referral
from partners.scale import create_jobs, create_organisations
from portal import services
from portal.models import AccountKind, Region, User

NAME = "partners"
JOBS = {"small": 1_000, "full": 10_000}
REFERRALS = {"small": 50, "full": 500}
EMPLOYER_JOBS = 10
EMPLOYER = "employer@bench.example.cn"
FILTERS = {"region": "440100", "industry": "C", "salary": "4000"}


def seed(scale: str) -> str:
    if User.objects.filter(email=EMPLOYER).exists():  # seeded already, for a scenario using it
        return f"{JOBS[scale]:,} jobs, {REFERRALS[scale]} referrals"
    jobs, referrals = JOBS[scale], REFERRALS[scale]
    call_command(
        "seed_scale", organisations=max(10, jobs // 20), jobs=jobs, quiet=True,
        stdout=io.StringIO(),
    )  # fmt: skip
    rng = random.Random(5)
    employer = services.user_create(
        email=EMPLOYER, password=None, display_name="基准企业负责人",
        kind=AccountKind.PARTNER, email_verified=True,
    )  # fmt: skip
    (organisation,) = create_organisations(1, rng=rng)
    OrganisationMember.objects.create(
        organisation=organisation, user=employer, role=OrganisationMember.Role.OWNER
    )
    create_jobs(EMPLOYER_JOBS, rng=rng, organisations=[organisation])
    postings = list(organisation.jobplacements.all())
    offices = list(
        Region.objects.filter(code__startswith="440106", depth=Region.Level.JUDICIAL_OFFICE)
    )
    before = set(CorrectionGroup.objects.values_list("pk", flat=True))
    create_groups(referrals, rng=rng, offices=offices)
    groups = CorrectionGroup.objects.exclude(pk__in=before)
    now = timezone.now()
    Referral.objects.bulk_create(
        Referral(
            group=group, job=postings[i % len(postings)], organisation=organisation,
            status=rng.choice(Referral.Status.values), referred_at=now - timedelta(days=i % 20),
            respond_by=now + timedelta(days=7), shared={"availability": "工作日白天"},
        )
        for i, group in enumerate(groups)
    )  # fmt: skip
    return f"{jobs:,} jobs, {referrals} referrals"


def run(report) -> None:
    anonymous = Client()
    found = JobFilter(FILTERS, queryset=selectors.public_jobs())
    if not found.is_valid() or not found.qs.exists():
        raise BenchError(f"No job matches {FILTERS}; the list would time an empty page.")
    jobs_url = reverse("partners:jobs")
    report.measure("public job list, no filter", anonymous, jobs_url)
    report.measure("public job list, 3 filters", anonymous, f"{jobs_url}?{urlencode(FILTERS)}")

    employer = User.objects.get(email=EMPLOYER)
    organisation = Organisation.objects.get(members__user=employer)
    client = Client()
    client.force_login(employer)
    count = Referral.objects.filter(organisation=organisation).count()
    report.measure(
        f"employer dashboard ({count} referrals)",
        client,
        reverse("partners:manage", args=[organisation.pk]),
    )
