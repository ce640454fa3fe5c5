"""Profiles, records and activities for the volunteers tests (Chinese data)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from portal.models import AccountKind, Region
from tests import factories
from volunteers import identity
from volunteers.models import Activity, Language, ServiceRecord, Skill, VolunteerProfile
from volunteers.reference import PLEDGE_VERSION

_serial = iter(range(1, 10**6))


def id_number(region="440106", born="19900307", serial=None) -> str:
    first17 = f"{region}{born}{(serial or next(_serial)) % 1000:03d}"
    return first17 + identity.check_char(first17)


def profile(
    user=None,
    *,
    status=VolunteerProfile.Status.APPROVED,
    regions=("440106",),
    skills=("legal_aid",),
    kind=AccountKind.VOLUNTEER,
    real_name="王小红",
    number=None,
    hours=0,
) -> VolunteerProfile:
    if user is None:
        maker = factories.SocialWorkerFactory if kind == AccountKind.SOCIAL_WORKER else None
        user = (maker or factories.VolunteerFactory)()
    number = number or id_number(serial=next(_serial))
    now = timezone.now()
    made = VolunteerProfile.objects.create(
        user=user,
        kind=user.kind,
        status=status,
        real_name=real_name,
        gender=VolunteerProfile.Gender.FEMALE,
        birth_year=identity.birth_year(number),
        id_hash=identity.id_hash(number),
        id_masked=identity.id_masked(number),
        availability=0b111,
        pledge_version=PLEDGE_VERSION,
        pledge_accepted_at=now,
        submitted_at=None if status == VolunteerProfile.Status.DRAFT else now,
        confirmed_hours=Decimal(hours),
    )
    made.skills.set(Skill.objects.filter(code__in=skills))
    made.languages.set(Language.objects.filter(code="mandarin"))
    made.regions.set(Region.objects.filter(code__in=regions))
    return made


def activity(region, *, created_by, capacity=2, starts_in=timedelta(days=3), hours=3, **kw):
    start = timezone.now() + starts_in
    return Activity.objects.create(
        title=kw.pop("title", "社区法律咨询日"),
        region=region,
        place=kw.pop("place", "石牌街社区服务中心"),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=capacity,
        checkin_code=kw.pop("checkin_code", "246810"),
        created_by=created_by,
        **kw,
    )


def record(
    profile, *, region, group=None, hours="2", status=ServiceRecord.Status.PENDING, days_ago=1
):
    return ServiceRecord.objects.create(
        profile=profile,
        date=timezone.localdate() - timedelta(days=days_ago),
        hours=Decimal(hours),
        group=group,
        region=region,
        description="法律咨询",
        status=status,
    )
