"""Builders for organisations, postings and referrals, through the services (so the rows are
what real use produces) unless a test needs many."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners import services
from partners.credit_code import make_credit_code
from partners.models import JobPlacement, Organisation, Programme
from portal.models import Industry, OffenceCategory, Region
from volunteers.models import Skill

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"

_serial = iter(range(10_000, 99_999))


def credit_code() -> str:
    return make_credit_code(f"91440106MA{next(_serial):05d}XY")


def licence(content=PDF, name="营业执照.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def organisation_data(**changes) -> dict:
    data = {
        "kind": Organisation.Kind.ENTERPRISE,
        "name": "广州粤新制造有限公司",
        "credit_code": credit_code(),
        "region": Region.objects.get(code="440106"),
        "address": "广州市天河区天河路100号",
        "contact_name": "黄经理",
        "contact_phone": "13800138000",
        "contact_email": "hr@yuexin.example.cn",
        "description": "我们愿意为社区矫正对象提供就业机会。",
    }
    data.update(changes)
    return data


def organisation(owner, *, verified=True, verifier=None, **changes) -> Organisation:
    org = services.organisation_register(
        data=organisation_data(**changes), registered_by=owner, licence=licence()
    )
    if verified:
        services.organisation_verify(organisation=org, verified_by=verifier or owner)
        org.refresh_from_db()
    return org


def job_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "title": "数控车床操作工",
        "description": "<p>负责<b>数控车床</b>操作。</p><script>alert(1)</script>",
        "industry": Industry.objects.get(code="C"),
        "work_locations": [Region.objects.get(code="440106")],
        "positions": 3,
        "salary_min": 4500,
        "salary_max": 6500,
        "employment_type": JobPlacement.EmploymentType.FULL_TIME,
        "hours": "每周五天，8:00-17:00",
        "requirements": list(Skill.objects.filter(code="vocational_training")),
        "housing": True,
        "meals": True,
        "training": True,
        "fair_chance_statement": "我们欢迎每一位愿意重新开始的人。",
        "excluded_offences": [],
        "opens_on": today,
        "closes_on": today + timedelta(days=60),
    }
    data.update(changes)
    return data


def job(org, by, *, publish=True, **changes) -> JobPlacement:
    return services.posting_save(
        model=JobPlacement, data=job_data(**changes), saved_by=by, organisation=org,
        publish=publish,
    )  # fmt: skip


def programme_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "kind": Programme.Kind.COUNSELLING,
        "title": "心理健康团体辅导",
        "description": "每周一次团体辅导。",
        "regions": [Region.objects.get(code="440106")],
        "capacity": 12,
        "schedule": "每周三 19:00-21:00",
        "opens_on": today,
        "closes_on": today + timedelta(days=90),
    }
    data.update(changes)
    return data


def programme(org, by, *, publish=True, **changes) -> Programme:
    return services.posting_save(
        model=Programme, data=programme_data(**changes), saved_by=by, organisation=org,
        publish=publish,
    )  # fmt: skip


def offence(code):
    return OffenceCategory.objects.get(code=code)


def consent(group, organisation, recorded_by, *, purpose="jobs", **changes):
    """The person's signed consent to referrals of `group` to `organisation`, as recorded."""
    data = {
        "scope": "同意向该单位推荐，可告知技能、可工作时间和工作经历。",
        "given_on": timezone.localdate(),
    }
    data.update(changes)
    return services.consent_record(
        group=group,
        organisation=organisation,
        purpose=purpose,
        recorded_by=recorded_by,
        **data,
    )
