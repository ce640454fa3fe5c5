"""Two counties of 广州市 with figures worked out by hand: 天河区 (石牌街司法所 = office A,
天河南街司法所 = office B) and 越秀区 (北京街司法所 = office C). The expected figures are in
EXPECTED below, each with the reason it is what it is; the tests compare the dashboards with them.

Times: "this month" events happen halfway between the month's first instant and now (never in
the future, whatever day the suite runs), "last month" ones on its 11th.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from curriculum import services as curriculum_services
from curriculum.models import Attendance, LearningHours, LessonCompletion, LessonSession
from dashboards import months as m
from groups import services as group_services
from groups.models import CorrectionGroup, Membership, Stage
from partners.models import FollowUp, JobPlacement, Organisation, Programme, Referral, ReferralStep
from portal.models import AccountKind, Industry, StaffRole
from tests import factories
from tests.curriculum import factories as cf
from tests.groups.conftest import group_data
from tests.partners.factories import credit_code
from tests.volunteers.factories import profile
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile

A, B, C = "440106005", "440106006", "440104003"
TIANHE, YUEXIU, CITY, PROVINCE = "440106", "440104", "440100", "440000"


@pytest.fixture(autouse=True)
def fresh_cache():
    """No dashboard body cached by another test: region ids come back after a rollback."""
    cache.clear()
    yield
    cache.clear()


def staff(role: str, code: str, regions):
    return factories.StaffRoleFactory(role=role, region=regions[code]).user


@pytest.fixture
def clock():
    now = timezone.now()
    this = m.this_month()
    start = m.bounds(this)[0]
    last = m.add_months(this, -1)
    return SimpleNamespace(
        now=now,
        this=this,
        last=last,
        mid=start + (now - start) / 2,  # this month, already past
        last_mid=m.bounds(last)[0] + timedelta(days=10),
        today=timezone.localdate(),
    )


def _group(regions, coordinator, office, stage, *, created, start, needs):
    group = group_services.group_create(
        data=group_data(
            regions,
            judicial_office=regions[office],
            stage=stage,
            needs=needs,
            start_date=start,
            planned_end_date=start + timedelta(days=365),
        ),
        created_by=coordinator,
    )
    CorrectionGroup.objects.filter(pk=group.pk).update(created_at=created)
    group.refresh_from_db()
    return group


def _member(group, user, role, at):
    return Membership.objects.create(group=group, user=user, role=role, joined_at=at)


@pytest.fixture
def county_world(regions, reference_data, clock):
    """Everything the figures count, in offices A, B, C and the regions above them."""
    coordinator = staff(StaffRole.Role.COORDINATOR, CITY, regions)
    long_ago = clock.now - timedelta(days=120)
    start_last = clock.last.replace(day=5)
    g = SimpleNamespace()
    g.g1 = _group(
        regions,
        coordinator,
        A,
        Stage.ENTRY,
        created=clock.last_mid,
        start=start_last,
        needs={"legal_aid": 1},
    )
    g.g2 = _group(
        regions,
        coordinator,
        A,
        Stage.ACTIVE,
        created=clock.last_mid,
        start=start_last,
        needs={"employment": 1},
    )
    g.g3 = _group(
        regions,
        coordinator,
        A,
        Stage.ACTIVE,
        created=long_ago,
        start=(long_ago - timedelta(days=3)).date(),
        needs={},
    )
    CorrectionGroup.objects.filter(pk=g.g3.pk).update(
        status=CorrectionGroup.Status.CLOSED, stage=Stage.RELEASED, closed_at=clock.mid
    )
    g.g4 = _group(
        regions,
        coordinator,
        B,
        Stage.ACTIVE,
        created=clock.mid,
        start=clock.today,
        needs={"legal_aid": 1},
    )
    g.g5 = _group(
        regions,
        coordinator,
        C,
        Stage.ENTRY,
        created=clock.mid,
        start=clock.today,
        needs={"employment": 1},
    )
    g.g6 = _group(
        regions, coordinator, C, Stage.ACTIVE, created=clock.last_mid, start=start_last, needs={}
    )

    # People: where each is counted is the smallest region holding all they serve.
    v1 = profile(regions=(A,), skills=("legal_aid",), hours=120)  # A, one star
    v2 = profile(regions=(A, B), skills=("legal_aid",), hours=350)  # 天河区 itself, two stars
    v3 = profile(regions=(C,))  # C, no star
    v4 = profile(regions=(C,), status=VolunteerProfile.Status.SUBMITTED)  # not approved
    s1 = profile(regions=(B,), kind=AccountKind.SOCIAL_WORKER, hours=650)  # B, three stars
    s2 = profile(regions=(C,), kind=AccountKind.SOCIAL_WORKER)  # C
    _member(g.g1, v1.user, Membership.Role.VOLUNTEER, clock.last_mid)  # g1's legal aid: served
    _member(g.g4, v2.user, Membership.Role.VOLUNTEER, clock.mid)  # g4's legal aid: served
    _member(g.g5, s2.user, Membership.Role.SOCIAL_WORKER, clock.mid)  # serves no need

    act1 = Activity.objects.create(
        title="社区普法宣传",
        region=regions[A],
        place="石牌街社区服务中心",
        starts_at=clock.mid,
        ends_at=clock.mid + timedelta(minutes=1),
        capacity=5,
        checkin_code="135790",
    )
    Activity.objects.create(
        title="天河区志愿者培训",
        region=regions[TIANHE],
        place="天河区司法局",
        starts_at=clock.last_mid,
        ends_at=clock.last_mid + timedelta(hours=2),
        capacity=30,
        checkin_code="246802",
    )
    for person, checked in ((v1, True), (v2, True), (v3, False)):
        SignUp.objects.create(
            activity=act1,
            profile=person,
            status=SignUp.Status.CONFIRMED,
            checked_in_at=clock.mid if checked else None,
        )
    SignUp.objects.create(activity=act1, profile=v4, status=SignUp.Status.WAITING)

    def record(person, office, hours, day, status=ServiceRecord.Status.CONFIRMED, **links):
        return ServiceRecord.objects.create(
            profile=person,
            region=regions[office],
            hours=Decimal(hours),
            date=day,
            description="法律咨询",
            status=status,
            **links,
        )

    record(v1, A, "2.5", clock.today, group=g.g1)
    record(v2, A, "2.0", clock.today, activity=act1)
    record(s1, B, "3.0", clock.today, group=g.g4)
    record(v3, C, "4.0", clock.today, status=ServiceRecord.Status.PENDING)
    last_hours = record(v1, A, "1.5", clock.last_mid.date(), group=g.g1)

    owner = factories.PartnerMemberFactory()

    def organisation(kind, code, status=Organisation.Status.VERIFIED, name="广州粤新制造有限公司"):
        return Organisation.objects.create(
            kind=kind,
            name=name,
            credit_code=credit_code(),
            region=regions[code],
            address="广州市",
            contact_name="黄经理",
            contact_phone="13800138000",
            status=status,
            verified_at=clock.last_mid if status == Organisation.Status.VERIFIED else None,
        )

    university = organisation(Organisation.Kind.UNIVERSITY, TIANHE, name="华南师范大学")
    enterprise = organisation(Organisation.Kind.ENTERPRISE, YUEXIU)
    organisation(Organisation.Kind.ENTERPRISE, YUEXIU, Organisation.Status.PENDING, "待审企业")
    organisation(Organisation.Kind.AGENCY, CITY, name="广州市启明社工服务中心")

    job = JobPlacement.objects.create(
        organisation=enterprise,
        title="数控车床操作工",
        description="<p>操作</p>",
        status=JobPlacement.Status.OPEN,
        opens_on=clock.last_mid.date(),
        closes_on=clock.today + timedelta(days=60),
        industry=Industry.objects.get(code="C"),
        salary_min=4500,
        salary_max=6500,
        employment_type=JobPlacement.EmploymentType.FULL_TIME,
        hours="每周五天",
    )
    training = Programme.objects.create(
        organisation=university,
        title="电工技能培训班",
        description="<p>培训</p>",
        status=Programme.Status.OPEN,
        opens_on=clock.last_mid.date(),
        closes_on=clock.today + timedelta(days=60),
        kind=Programme.Kind.VOCATIONAL,
        schedule="每周六上午",
    )
    answered_at = clock.mid + (clock.now - clock.mid) / 2
    r1 = Referral.objects.create(
        group=g.g1,
        job=job,
        organisation=enterprise,
        status=Referral.Status.INTERVIEW,
        referred_at=clock.mid,
        respond_by=clock.mid + timedelta(days=31),
        responded_at=answered_at,
    )
    ReferralStep.objects.create(referral=r1, status=Referral.Status.INTERVIEW, at=answered_at)
    Referral.objects.create(
        group=g.g5,
        programme=training,
        organisation=university,
        referred_at=clock.mid,
        respond_by=clock.mid + timedelta(days=7),
    )
    r3 = Referral.objects.create(
        group=g.g2,
        job=job,
        organisation=enterprise,
        status=Referral.Status.HIRED,
        referred_at=clock.last_mid,
        respond_by=clock.last_mid + timedelta(days=1),
        responded_at=clock.last_mid + timedelta(days=3),
        hired_on=clock.last_mid.date(),
    )
    FollowUp.objects.create(
        referral=r3, days=30, due_on=clock.today, outcome=FollowUp.Outcome.EMPLOYED
    )
    FollowUp.objects.create(referral=r3, days=90, due_on=clock.today + timedelta(days=60))

    # Learning: hours as curriculum keeps them; lessons of the theme and of 入矫第一课.
    LearningHours.objects.create(
        group=g.g1,
        judicial_office=regions[A],
        month=clock.this,
        online_minutes=300,
        offline_minutes=200,
        total_minutes=500,
    )
    LearningHours.objects.create(
        group=g.g2,
        judicial_office=regions[A],
        month=clock.this,
        online_minutes=60,
        total_minutes=60,
    )
    LearningHours.objects.create(
        group=g.g5,
        judicial_office=regions[C],
        month=clock.this,
        offline_minutes=480,
        total_minutes=480,
    )
    LearningHours.objects.create(
        group=g.g1,
        judicial_office=regions[A],
        month=clock.last,
        online_minutes=100,
        total_minutes=100,
    )
    index = curriculum_services.curriculum_tree_ensure()
    theme = cf.theme(index, clock.this)
    theme_lesson = cf.lesson(theme, "好家风伴我行")
    first_lesson = cf.lesson(cf.series("first-lesson"), "走进社区矫正")

    def completed(group, lesson, at):
        LessonCompletion.objects.create(group=group, lesson=lesson, minutes=45, completed_at=at)

    completed(g.g5, first_lesson, clock.mid)  # C entered today: in time
    completed(g.g1, theme_lesson, clock.mid)
    completed(g.g1, first_lesson, clock.last_mid)  # g1 entered on the 5th of last month
    session = LessonSession.objects.create(
        lesson=theme_lesson,
        region=regions[A],
        starts_at=clock.mid,
        ends_at=clock.mid + timedelta(minutes=1),
        place="石牌街司法所",
        facilitator="陈老师",
    )
    Attendance.objects.create(session=session, group=g.g2, status=Attendance.Status.PRESENT)
    Attendance.objects.create(session=session, group=g.g1, status=Attendance.Status.ABSENT)

    return SimpleNamespace(
        regions=regions,
        clock=clock,
        groups=g,
        coordinator=coordinator,
        last_hours=last_hours,
        theme=theme,
        first_series=cf.series("first-lesson"),
        owner=owner,
    )


# Figures of this month by region code, worked out from the world above. Not listed: 0; the
# province (广东省) holds only 广州市 and has its figures.
EXPECTED = {
    # Open at the month's end: g1, g2 in A (g3 closed this month), g4 in B, g5, g6 in C.
    "groups.open": {A: 2, B: 1, C: 2, TIANHE: 3, YUEXIU: 2, CITY: 5},
    "groups.entry": {A: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    "groups.active": {A: 1, B: 1, C: 1, TIANHE: 2, YUEXIU: 1, CITY: 3},
    # g2, g5, g6 have no volunteer (g5's member is a social worker).
    "groups.no_volunteer": {A: 1, C: 2, TIANHE: 1, YUEXIU: 2, CITY: 3},
    # g2 and g5 need employment help nobody gives; g1's and g4's legal aid is served.
    "groups.unmet_needs": {A: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    "groups.started": {B: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    "groups.closed": {A: 1, TIANHE: 1, CITY: 1},
    # v1 in A, v2 (A and B) in 天河区 itself, v3 in C; v4 is not approved.
    "people.volunteers": {A: 1, C: 1, TIANHE: 2, YUEXIU: 1, CITY: 3},
    "people.social_workers": {B: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    # v1 served (confirmed), v2 checked in; v3's hours are not confirmed.
    "people.volunteers_active": {A: 1, TIANHE: 2, CITY: 2},
    "people.universities": {TIANHE: 1, CITY: 1},
    "people.enterprises": {YUEXIU: 1, CITY: 1},
    "people.agencies": {CITY: 1},
    # v1 120 h, v2 350 h, s1 650 h.
    "service.stars_1": {A: 1, TIANHE: 1, CITY: 1},
    "service.stars_2": {TIANHE: 1, CITY: 1},
    "service.stars_3": {B: 1, TIANHE: 1, CITY: 1},
    # 2.5 h + 2.0 h in A, 3.0 h in B; 4.0 h in C is still pending. In tenths.
    "service.hours": {A: 45, B: 30, TIANHE: 75, CITY: 75},
    "service.records": {A: 2, B: 1, TIANHE: 3, CITY: 3},
    "activities.held": {A: 1, TIANHE: 1, CITY: 1},
    "activities.signups": {A: 3, TIANHE: 3, CITY: 3},
    "activities.checked_in": {A: 2, TIANHE: 2, CITY: 2},
    "activities.hours": {A: 20, TIANHE: 20, CITY: 20},
    "learning.online_minutes": {A: 360, TIANHE: 360, CITY: 360},
    "learning.offline_minutes": {A: 200, C: 480, TIANHE: 200, YUEXIU: 480, CITY: 680},
    "learning.groups_met": {A: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    # Open at some time this month: g1, g2, g3 (closed mid-month) in A, g4 in B, g5, g6 in C.
    "learning.groups_due": {A: 3, B: 1, C: 2, TIANHE: 4, YUEXIU: 2, CITY: 6},
    "learning.completions": {A: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    "learning.attendances": {A: 1, TIANHE: 1, CITY: 1},
    "learning.sessions": {A: 1, TIANHE: 1, CITY: 1},
    # g5 entered today and took 入矫第一课; g4 did not.
    "learning.first_lesson": {C: 1, YUEXIU: 1, CITY: 1},
    "referrals.sent": {A: 1, C: 1, TIANHE: 1, YUEXIU: 1, CITY: 2},
    "referrals.vocational": {C: 1, YUEXIU: 1, CITY: 1},
    "referrals.answered": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.answered_in_time": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.interviews": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.checked_30": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.retained_30": {A: 1, TIANHE: 1, CITY: 1},
}

# Last month: g1, g2 entered (A) and g6 (C); r3 answered late and hired; 1.5 h served in A.
EXPECTED_LAST = {
    "groups.started": {A: 2, C: 1, TIANHE: 2, YUEXIU: 1, CITY: 3},
    "referrals.sent": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.answered": {A: 1, TIANHE: 1, CITY: 1},
    "referrals.hired": {A: 1, TIANHE: 1, CITY: 1},
    "service.hours": {A: 15, TIANHE: 15, CITY: 15},
    "learning.online_minutes": {A: 100, TIANHE: 100, CITY: 100},
    "learning.first_lesson": {A: 1, TIANHE: 1, CITY: 1},
    "activities.held": {TIANHE: 1, CITY: 1},
}
