"""Synthetic organisations, jobs and programmes in bulk, for `seed_scale`, benchmarks and
query-count tests. bulk_create in batches, not the services: these rows carry no history."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from partners.credit_code import make_credit_code
from partners.models import JobPlacement, Organisation, Programme
from portal.models import Industry, Region
from volunteers.models import Skill

BATCH = 1000
NAMES = ("华新", "粤海", "蜀光", "宁丰", "申达", "恒信", "立德", "佳和", "中科", "启明")
JOB_TITLES = ("数控车床操作工", "仓库管理员", "外卖配送员", "厨房帮工", "保洁员", "电工学徒",
              "客服专员", "包装工", "物业维修工", "绿化养护工")  # fmt: skip
PROGRAMME_TITLES = ("法律援助咨询日", "心理健康团体辅导", "职业技能培训班", "学历提升计划",
                    "家庭教育讲座", "社区矫正研究合作")  # fmt: skip


def _counties():
    counties = list(Region.objects.county_level())
    if not counties:
        raise ValueError("Load regions first (seed_demo does).")
    return counties


def create_organisations(count: int, *, rng: random.Random, progress=None) -> list[Organisation]:
    counties = _counties()
    start = Organisation.objects.count()
    made = []
    for first in range(0, count, BATCH):
        rows = []
        for i in range(first, min(count, first + BATCH)):
            n = start + i
            kind = rng.choices(Organisation.Kind.values, weights=(1, 8, 2, 1))[0]
            county = rng.choice(counties)
            suffix = "大学" if kind == Organisation.Kind.UNIVERSITY else "有限公司"
            rows.append(
                Organisation(
                    kind=kind,
                    name=f"{rng.choice(NAMES)}{n:06d}{suffix}",
                    credit_code=make_credit_code(f"91{county.code}M{n:08d}"),
                    region=county,
                    address=f"{county.name}建设路{n % 500 + 1}号",
                    contact_name="联系人",
                    contact_phone="13800138000",
                    status=Organisation.Status.VERIFIED,
                    verified_at=timezone.now(),
                )
            )
        made += Organisation.objects.bulk_create(rows)
        if progress:
            progress.update(len(rows))
    return made


def _postings(model, count, *, rng, organisations, progress, build, m2m):
    organisations = list(organisations or Organisation.objects.filter(status="verified"))
    if not organisations:
        raise ValueError("Create organisations first.")
    counties = _counties()
    today = timezone.localdate()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        with transaction.atomic():
            rows = []
            for _ in range(size):
                opens = today - timedelta(days=rng.randint(0, 60))
                rows.append(
                    model(
                        organisation=rng.choice(organisations),
                        status=rng.choices(["open", "closed", "filled"], weights=(8, 1, 1))[0],
                        opens_on=opens,
                        closes_on=opens + timedelta(days=rng.randint(30, 180)),
                        **build(),
                    )
                )
            rows = model.objects.bulk_create(rows)
            through = getattr(model, m2m).through
            column = f"{model._meta.model_name}_id"
            through.objects.bulk_create(
                (
                    through(**{column: row.pk, "region_id": county.pk})
                    for row in rows
                    for county in rng.sample(counties, rng.randint(1, 2))
                ),
                batch_size=2000,
            )
        done += size
        if progress:
            progress.update(size)
    return done


def create_jobs(count: int, *, rng: random.Random, organisations=None, progress=None) -> int:
    industries = list(Industry.objects.all())
    skills = list(Skill.objects.all())

    def build():
        low = rng.randrange(2500, 9000, 100)
        return {
            "title": rng.choice(JOB_TITLES),
            "description": "<p>岗位职责：按要求完成工作。欢迎愿意重新开始的人。</p>",
            "industry": rng.choice(industries),
            "positions": rng.randint(1, 10),
            "salary_min": low,
            "salary_max": low + rng.randrange(0, 4000, 100),
            "employment_type": rng.choice(JobPlacement.EmploymentType.values),
            "hours": "每周五天",
            "housing": rng.random() < 0.4,
            "meals": rng.random() < 0.6,
            "training": rng.random() < 0.5,
        }

    done = _postings(JobPlacement, count, rng=rng, organisations=organisations,
                     progress=progress, build=build, m2m="work_locations")  # fmt: skip
    if skills:
        through = JobPlacement.requirements.through
        latest = JobPlacement.objects.order_by("-pk").values_list("pk", flat=True)[:count]
        through.objects.bulk_create(
            (through(jobplacement_id=pk, skill_id=rng.choice(skills).pk) for pk in latest),
            batch_size=2000,
            ignore_conflicts=True,
        )
    return done


def create_programmes(count: int, *, rng: random.Random, organisations=None, progress=None) -> int:
    def build():
        return {
            "title": rng.choice(PROGRAMME_TITLES),
            "description": "<p>面向社区矫正对象及家属。</p>",
            "kind": rng.choice(Programme.Kind.values),
            "capacity": rng.randint(5, 60),
            "schedule": "每周一次",
        }

    return _postings(Programme, count, rng=rng, organisations=organisations,
                     progress=progress, build=build, m2m="regions")  # fmt: skip


def add_arguments(parser) -> None:
    parser.add_argument("--organisations", type=int, default=0, help="partner organisations")
    parser.add_argument("--jobs", type=int, default=0, help="job placements")
    parser.add_argument("--programmes", type=int, default=0, help="programmes")


def run(options, *, rng: random.Random, bar: dict) -> None:
    from tqdm import tqdm

    for option, create in (
        ("organisations", create_organisations),
        ("jobs", create_jobs),
        ("programmes", create_programmes),
    ):
        count = options.get(option) or 0
        if count:
            if (
                option != "organisations"
                and not Organisation.objects.filter(status="verified").exists()
            ):
                create_organisations(max(10, count // 20), rng=rng)
            with tqdm(total=count, desc=option, **bar) as progress:
                create(count, rng=rng, progress=progress)
