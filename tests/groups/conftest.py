"""A correction group in 石牌街司法所 (天河区) with a member of every kind, and the people
around it who may or may not see it."""

from datetime import date
from types import SimpleNamespace

import pytest

from groups import services
from groups.models import Membership, SentenceType, Stage, SupervisionLevel
from portal.models import Industry, OffenceCategory
from tests import factories


def group_data(regions, **changes):
    data = {
        "judicial_office": regions["440106005"],
        "stage": Stage.ENTRY,
        "supervision_level": SupervisionLevel.ORDINARY,
        "offence": OffenceCategory.objects.get(code="dangerous_driving"),
        "sentence_type": SentenceType.PROBATION,
        "start_date": date(2026, 3, 1),
        "planned_end_date": date(2027, 2, 28),
        "is_juvenile": False,
        "needs": {"employment": 1, "legal_aid": 2},
        "forbidden_industries": list(Industry.objects.filter(code__in=["G", "R"])),
        "forbidden_places": "娱乐场所\n中小学校周边",
        "approved_regions": [regions["440106"]],
        "case_notes": "每周三电话报到；家庭关系紧张。",
    }
    data.update(changes)
    return services.GroupData(**data)


@pytest.fixture
def world(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])
    group = services.group_create(data=group_data(regions), created_by=coordinator)
    # Everyone vetted (or their organisation verified), as the gate into a group asks.
    lead = factories.vetted(factories.SocialWorkerFactory(display_name="刘芳"))
    services.lead_hand_over(group=group, new_lead=lead, handed_over_by=coordinator)
    members = {
        role: services.member_add(group=group, user=user, role=role, added_by=coordinator).user
        for role, user in (
            (Membership.Role.SOCIAL_WORKER, factories.vetted(factories.SocialWorkerFactory())),
            (Membership.Role.VOLUNTEER, factories.vetted(factories.VolunteerFactory())),
            (
                Membership.Role.ENTERPRISE_CONTACT,
                factories.contact(factories.PartnerMemberFactory()),
            ),
        )
    }
    learner = services.learner_account_create(
        group=group, display_name="学员甲", created_by=coordinator
    ).user
    return SimpleNamespace(
        group=group,
        coordinator=coordinator,  # the owner: covers 天河区
        lead=lead,
        social_worker=members[Membership.Role.SOCIAL_WORKER],
        volunteer=members[Membership.Role.VOLUNTEER],  # a member
        partner=members[Membership.Role.ENTERPRISE_CONTACT],
        learner=learner,
        outsider=factories.VolunteerFactory(display_name="局外人"),
        other_coordinator=factories.coordinator(regions["510107"]),  # 武侯区, another province
        city_coordinator=factories.coordinator(regions["440100"]),  # 广州市 covers 天河区
        anonymous=None,
    )
