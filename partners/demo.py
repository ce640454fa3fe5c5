"""Demo universities, enterprises and agencies in the four example regions; the demo partner
owns a verified enterprise with two open jobs, the first Tianhe group is referred to one, and
the demo social workers find their agency suggested as an affiliation (called by
`manage.py seed_demo`, safe to re-run)."""

from datetime import timedelta

from django.utils import timezone

from groups.models import CorrectionGroup, Membership
from partners import services
from partners.credit_code import make_credit_code
from partners.models import (
    Affiliation,
    Consent,
    JobPlacement,
    Organisation,
    OrganisationMember,
    Programme,
    Referral,
)
from partners.names import suggest_from_agency_names
from portal.models import Industry, Region, User
from volunteers.models import Skill, VolunteerProfile

U, E, A = Organisation.Kind.UNIVERSITY, Organisation.Kind.ENTERPRISE, Organisation.Kind.AGENCY
# (kind, name, county code, first 17 characters of the credit code, address)
ORGANISATIONS = (
    (U, "中山大学", "440105", "12100000455413456", "广州市海珠区新港西路135号"),
    (U, "华南理工大学", "440106", "12100000455416427", "广州市天河区五山路381号"),
    (U, "四川大学", "510107", "12100000450717854", "成都市武侯区一环路南一段24号"),
    (U, "宁夏大学", "640104", "12640000455500123", "银川市西夏区贺兰山西路489号"),
    (U, "上海大学", "310113", "12310000425012345", "上海市宝山区上大路99号"),
    (E, "广州粤新制造有限公司", "440106", "91440106MA5C00001", "广州市天河区天河路100号"),
    (E, "成都蜀味餐饮管理有限公司", "510107", "91510107MA6C00002", "成都市武侯区武侯祠大街8号"),
    (E, "宁夏塞上物流有限公司", "640104", "91640104MA7600003", "银川市兴庆区解放东街66号"),
    (E, "上海宝钢绿化工程有限公司", "310113", "91310113MA1G00004", "上海市宝山区友谊路1号"),
    (A, "广州阳光社会工作服务中心", "440106", "52440106MJ0000005", "广州市天河区体育西路20号"),
    # The agency the demo social workers name on their profiles: they find it suggested.
    (A, "广州市天河区启明社会工作服务中心", "440106", "52440106MJ0000006", "天河区石牌东路8号"),
)
PARTNER_EMAIL = "partner@demo.portal.cn"
PARTNER_ORGANISATION = "广州粤新制造有限公司"


def seed(*, stdout) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    partner = User.objects.filter(email=PARTNER_EMAIL).first()
    if admin is None or partner is None:
        stdout.write("Partners: demo accounts missing, skipped.")
        return
    made = 0
    for kind, name, county, first17, address in ORGANISATIONS:
        code = make_credit_code(first17)
        region = Region.objects.filter(code=county).first()
        if region is None or Organisation.objects.filter(credit_code=code).exists():
            continue
        org = Organisation.objects.create(
            kind=kind, name=name, credit_code=code, region=region, address=address,
            contact_name="联络员", contact_phone="13800138000",
            description=f"{name}积极参与社区矫正社会力量协同。",
            status=Organisation.Status.VERIFIED, verified_by=admin, verified_at=timezone.now(),
            created_by=admin,
        )  # fmt: skip
        made += 1
        if name == PARTNER_ORGANISATION:
            OrganisationMember.objects.create(
                organisation=org, user=partner, role=OrganisationMember.Role.OWNER
            )
            _demo_postings(org, partner)
        elif kind == U:
            _demo_programme(org, admin)
    referred = _demo_referral()
    suggested = suggest_from_agency_names(
        organisation_model=Organisation,
        profile_model=VolunteerProfile,
        affiliation_model=Affiliation,
    )
    stdout.write(
        f"Partners: {made} organisations created{', 1 referral' if referred else ''}"
        f", {suggested} affiliations suggested."
    )


def _demo_postings(org, partner) -> None:
    today = timezone.localdate()
    tianhe = Region.objects.get(code="440106")
    for title, industry, low, high, skills in (
        ("数控车床操作工", "C", 4500, 6500, ["vocational_training"]),
        ("IT运维助理", "I", 5000, 7000, ["it"]),
    ):
        services.posting_save(
            model=JobPlacement,
            data={
                "title": title,
                "description": "<p>包吃住，提供岗前培训。我们相信每个人都值得第二次机会。</p>",
                "industry": Industry.objects.get(code=industry),
                "work_locations": [tianhe],
                "positions": 3,
                "salary_min": low,
                "salary_max": high,
                "employment_type": JobPlacement.EmploymentType.FULL_TIME,
                "hours": "每周五天，8:30-17:30",
                "requirements": list(Skill.objects.filter(code__in=skills)),
                "housing": True,
                "meals": True,
                "training": True,
                "fair_chance_statement": "我们不因过往经历拒绝求职者，只看现在的努力。",
                "excluded_offences": [],
                "opens_on": today,
                "closes_on": today + timedelta(days=90),
            },
            saved_by=partner,
            organisation=org,
            publish=True,
        )


def _demo_programme(org, admin) -> None:
    today = timezone.localdate()
    services.posting_save(
        model=Programme,
        data={
            "kind": Programme.Kind.ACADEMIC,
            "title": f"{org.name}学历提升与法律援助计划",
            "description": "<p>由在校师生提供学历提升辅导和法律咨询。</p>",
            "regions": [org.region],
            "capacity": 20,
            "schedule": "每周六上午",
            "opens_on": today,
            "closes_on": today + timedelta(days=180),
        },
        saved_by=admin,
        organisation=org,
        publish=True,
    )


def _demo_referral() -> bool:
    """The first Tianhe group (groups/demo.py) referred by its lead to the partner's first job."""
    lead = User.objects.filter(email="socialworker@demo.portal.cn").first()
    job = (
        JobPlacement.objects.filter(organisation__name=PARTNER_ORGANISATION).order_by("pk").first()
    )
    group = (
        CorrectionGroup.objects.filter(
            memberships__user=lead, memberships__role=Membership.Role.LEAD,
            memberships__left_at__isnull=True,
        ).order_by("pk").first()
        if lead else None
    )  # fmt: skip
    if not (lead and job and group) or Referral.objects.filter(group=group, job=job).exists():
        return False
    # The person signed the consent form for this employer first (PIPL art. 29).
    if not Consent.objects.filter(group=group, organisation=job.organisation).exists():
        services.consent_record(
            group=group,
            organisation=job.organisation,
            purpose=Consent.Purpose.JOBS,
            scope="同意向该企业推荐就业，可告知技能、可工作时间和工作经历。",
            given_on=timezone.localdate(),
            recorded_by=lead,
        )
    services.referral_create(
        group=group,
        posting=job,
        shared={
            "skills": ["职业技能培训"],
            "availability": "工作日白天",
            "experience": "做过两年车工",
        },
        referred_by=lead,
    )
    return True
