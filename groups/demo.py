"""Demo correction groups in each example region (called by `manage.py seed_demo`)."""

from datetime import timedelta

from django.utils import timezone

from groups import services
from groups.models import (
    CorrectionGroup,
    GroupNeed,
    Membership,
    SentenceType,
    Stage,
    SupervisionLevel,
)
from portal.models import Industry, OffenceCategory, Region, User

HIGH, MEDIUM, LOW = GroupNeed.Priority.HIGH, GroupNeed.Priority.MEDIUM, GroupNeed.Priority.LOW

# (judicial office code, offence, sentence, level, stage, juvenile, needs, forbidden industries)
DEMO_GROUPS = (
    ("440106006", "dangerous_driving", SentenceType.PROBATION, SupervisionLevel.ORDINARY,
     Stage.ENTRY, False, {"employment": HIGH, "legal_aid": MEDIUM}, ["G"]),
    ("440106008", "theft", SentenceType.PROBATION, SupervisionLevel.STRICT, Stage.ACTIVE, True,
     {"education": HIGH, "family_relations": HIGH, "psychological_support": MEDIUM}, []),
    ("440106006", "fraud", SentenceType.PAROLE, SupervisionLevel.STRICT, Stage.ACTIVE, False,
     {"employment": HIGH, "debt": MEDIUM, "vocational_skills": LOW}, ["J"]),
    ("510107001", "intentional_injury", SentenceType.CONTROL, SupervisionLevel.ORDINARY,
     Stage.ACTIVE, False, {"psychological_support": HIGH, "family_relations": MEDIUM}, ["R"]),
    ("640104003", "drugs", SentenceType.OUTSIDE_PRISON, SupervisionLevel.STRICT, Stage.ACTIVE,
     False, {"addiction": HIGH, "health": HIGH, "employment": MEDIUM}, ["H", "R"]),
    ("310113003", "dangerous_driving", SentenceType.PROBATION, SupervisionLevel.LENIENT,
     Stage.ACTIVE, False, {"vocational_skills": MEDIUM, "employment": MEDIUM}, []),
    ("310113101", "provoking_trouble", SentenceType.PROBATION, SupervisionLevel.ORDINARY,
     Stage.ENTRY, True, {"education": HIGH, "psychological_support": HIGH}, ["R"]),
)  # fmt: skip


def seed(*, stdout) -> None:
    if CorrectionGroup.objects.exists():
        stdout.write("Groups: already seeded.")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    today = timezone.localdate()
    created = []
    for office_code, offence, sentence, level, stage, juvenile, needs, industries in DEMO_GROUPS:
        office = Region.objects.filter(code=office_code, depth=Region.Level.JUDICIAL_OFFICE).first()
        if office is None:
            continue
        county = office.get_parent()
        data = services.GroupData(
            judicial_office=office,
            stage=stage,
            supervision_level=level,
            offence=OffenceCategory.objects.get(code=offence),
            sentence_type=sentence,
            start_date=today - timedelta(days=90),
            planned_end_date=today + timedelta(days=275),
            is_juvenile=juvenile,
            needs=needs,
            forbidden_industries=list(Industry.objects.filter(code__in=industries)),
            forbidden_places="娱乐场所\n中小学校周边" if juvenile else "娱乐场所",
            approved_regions=[county],
            case_notes="（演示）每周电话报到，按时参加集体教育。",
        )
        created.append(services.group_create(data=data, created_by=admin))
    _demo_memberships(created[0], admin)
    stdout.write(f"Groups: {len(created)} created, e.g. {created[0].code}.")


def _demo_memberships(group, admin) -> None:
    """Give the demo social worker, volunteer and learner a place in the first Tianhe group.

    Demo history, written directly like the rest of the seed: the people's profiles and the
    partner's organisation are seeded after the groups (volunteers and partners sit above), so
    the gate (groups.gate) could not vouch for them yet; their demo seeds approve them."""
    by_email = {u.email: u for u in User.objects.filter(email__endswith="@demo.portal.cn")}
    for email, role in (
        ("socialworker@demo.portal.cn", Membership.Role.LEAD),
        ("volunteer@demo.portal.cn", Membership.Role.VOLUNTEER),
        ("partner@demo.portal.cn", Membership.Role.ENTERPRISE_CONTACT),
        ("learner@demo.portal.cn", Membership.Role.LEARNER),
    ):
        if email in by_email:
            Membership.objects.create(group=group, user=by_email[email], role=role, added_by=admin)
