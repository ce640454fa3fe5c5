"""Demo profiles (called by `manage.py seed_demo` after the regions, accounts and groups exist):
the demo volunteer and social worker approved in 天河区 with confirmed hours, a few more people in
each demo area, and one profile waiting in the Tianhe coordinator's queue."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from groups.models import Membership
from portal import services as portal_services
from portal import week
from portal.models import AccountKind, Region, User
from volunteers import identity
from volunteers.models import Language, ServiceRecord, Skill, VolunteerProfile
from volunteers.reference import PLEDGE_VERSION

ALL_DAYS_EVENINGS = sum(1 << week.bit(d, 2) for d in range(7))
WEEKENDS = sum(1 << week.bit(d, p) for d in (5, 6) for p in range(3))

# (e-mail, display name, real name, gender, region, skills, languages, status)
PEOPLE = (
    ("volunteer@demo.portal.cn", None, "张晓明", "male", "440106",
     ["employment_guidance", "it"], ["mandarin", "cantonese"], "approved"),
    ("socialworker@demo.portal.cn", None, "刘芳", "female", "440106",
     ["psychological_counselling", "family_mediation"], ["mandarin", "cantonese"], "approved"),
    ("tianhe.1@demo.portal.cn", "陈老师", "陈静", "female", "440106",
     ["tutoring"], ["mandarin", "cantonese"], "approved"),
    ("tianhe.2@demo.portal.cn", "黄律师", "黄志强", "male", "440106",
     ["legal_aid"], ["mandarin", "cantonese", "hakka"], "approved"),
    ("tianhe.3@demo.portal.cn", "林同学", "林晓琳", "female", "440106",
     ["health", "tutoring"], ["mandarin", "teochew"], "submitted"),
    ("wuhou.1@demo.portal.cn", "王大哥", "王建国", "male", "510107",
     ["driving_instruction", "vocational_training"], ["mandarin", "sichuanese"], "approved"),
    ("wuhou.2@demo.portal.cn", "李姐", "李秀英", "female", "510107",
     ["family_mediation"], ["sichuanese"], "approved"),
    ("xingqing.1@demo.portal.cn", "马老师", "马海燕", "female", "640104",
     ["addiction_recovery", "health"], ["mandarin", "ningxia"], "approved"),
    ("xingqing.2@demo.portal.cn", "杨师傅", "杨永福", "male", "640104",
     ["vocational_training"], ["ningxia"], "approved"),
    ("baoshan.1@demo.portal.cn", "周律师", "周文斌", "male", "310113",
     ["legal_aid", "financial_counselling"], ["mandarin", "shanghainese"], "approved"),
    ("baoshan.2@demo.portal.cn", "吴阿姨", "吴美华", "female", "310113",
     ["family_mediation", "housing_assistance"], ["shanghainese"], "approved"),
)  # fmt: skip


def demo_id_number(region_code: str, born: str, serial: int) -> str:
    first17 = f"{region_code[:6]}{born}{serial:03d}"
    return first17 + identity.check_char(first17)


def seed(*, stdout) -> None:
    if VolunteerProfile.objects.filter(user__email="volunteer@demo.portal.cn").exists():
        stdout.write("Volunteers: already seeded.")
        return
    now = timezone.now()
    coordinator = User.objects.filter(email="coordinator@demo.portal.cn").first()
    made = []
    for n, (email, name, real, gender, code, skills, langs, status) in enumerate(PEOPLE):
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        user = User.objects.filter(email=email).first()
        if user is None:
            kind = AccountKind.SOCIAL_WORKER if n % 4 == 1 else AccountKind.VOLUNTEER
            user = portal_services.user_create(
                email=email, password=None, display_name=name, kind=kind, email_verified=True
            )
        number = demo_id_number(code, f"{1975 + n * 2}0{1 + n % 9}1{n % 10}", 100 + n)
        profile = VolunteerProfile.objects.create(
            user=user,
            kind=user.kind,
            status=status,
            real_name=real,
            gender=gender,
            birth_year=identity.birth_year(number),
            id_hash=identity.id_hash(number),
            id_masked=identity.id_masked(number),
            availability=WEEKENDS | ALL_DAYS_EVENINGS if n % 2 else WEEKENDS,
            max_groups=2,
            bio="（演示）"
            + "、".join(Skill.objects.get(code=s).name_zh for s in skills)
            + "志愿者。",
            pledge_version=PLEDGE_VERSION,
            pledge_accepted_at=now - timedelta(days=60),
            submitted_at=now - timedelta(days=59 if status == "approved" else 1),
            decided_at=now - timedelta(days=58) if status == "approved" else None,
            decided_by=coordinator if status == "approved" else None,
            decision_emailed_at=now - timedelta(days=58) if status == "approved" else None,
        )
        if user.kind == AccountKind.SOCIAL_WORKER:
            profile.qualification = VolunteerProfile.Qualification.SOCIAL_WORKER
            profile.certificate_number = f"ZS2019440{n:05d}"
            profile.agency_name = "广州市天河区启明社会工作服务中心"
            profile.save()
        profile.skills.set(Skill.objects.filter(code__in=skills))
        profile.languages.set(Language.objects.filter(code__in=langs))
        profile.regions.set([region])
        made.append(profile)
    _demo_hours()
    stdout.write(f"Volunteers: {len(made)} profiles, e.g. volunteer@demo.portal.cn approved.")


def _demo_hours() -> None:
    """Confirmed hours for the demo volunteer (in their Tianhe group, confirmed by its lead)
    and for the demo social worker; demo history, so written directly with past dates."""
    today = timezone.localdate()
    volunteer = VolunteerProfile.objects.get(user__email="volunteer@demo.portal.cn")
    social_worker = VolunteerProfile.objects.filter(
        user__email="socialworker@demo.portal.cn"
    ).first()
    membership = (
        Membership.objects.filter(user=volunteer.user, left_at__isnull=True)
        .select_related("group__judicial_office")
        .first()
    )
    region = membership.group.judicial_office if membership else Region.objects.get(code="440106")
    plan = [
        (volunteer, 3 + w * 7, Decimal("4"), "就业指导：修改简历、模拟面试") for w in range(12)
    ] + [
        (social_worker, 2 + w * 7, Decimal("6"), "个案辅导与家庭走访")
        for w in range(10)
        if social_worker
    ]
    for profile, days_ago, hours, what in plan:
        ServiceRecord.objects.create(
            profile=profile,
            date=today - timedelta(days=days_ago),
            hours=hours,
            group=membership.group if membership else None,
            region=region,
            description=what,
            status=ServiceRecord.Status.CONFIRMED,
            decided_by=social_worker.user if profile is volunteer and social_worker else None,
            decided_at=timezone.now() - timedelta(days=days_ago - 1),
        )
        VolunteerProfile.objects.filter(pk=profile.pk).update(
            confirmed_hours=F("confirmed_hours") + hours
        )
