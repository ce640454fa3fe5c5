"""A county (天河区) with two offices' groups, a neighbouring county (越秀区) with one, and the
people around them: who may send alerts (and where), who receives them, who never does."""

from datetime import date
from types import SimpleNamespace

import pytest

from alerts import services
from alerts.reach import Reach
from groups import services as group_services
from groups.models import CorrectionGroup, Membership, SentenceType, Stage, SupervisionLevel
from portal.models import OffenceCategory
from tests import factories


def make_group(regions, office: str, coordinator) -> CorrectionGroup:
    return group_services.group_create(
        data=group_services.GroupData(
            judicial_office=regions[office],
            stage=Stage.ACTIVE,
            supervision_level=SupervisionLevel.ORDINARY,
            offence=OffenceCategory.objects.get(code="dangerous_driving"),
            sentence_type=SentenceType.PROBATION,
            start_date=date(2026, 3, 1),
            planned_end_date=date(2027, 2, 28),
            is_juvenile=False,
            needs={"employment": 1},
            forbidden_industries=[],
            forbidden_places="",
            approved_regions=[regions[office[:6]]],
        ),
        created_by=coordinator,
    )


def join(group, user, role):
    """Test data only: the membership row itself (the gate into a group is tested in groups)."""
    return Membership.objects.create(group=group, user=user, role=role)


@pytest.fixture
def world(regions, reference_data):
    coordinator = factories.coordinator(regions["440106"])  # 天河区
    coordinator.display_name = "张科长"
    coordinator.save(update_fields=["display_name"])
    shipai = make_group(regions, "440106005", coordinator)  # 石牌街司法所
    tiannan = make_group(regions, "440106006", coordinator)  # 天河南街司法所
    yuexiu_coordinator = factories.coordinator(regions["440104"])  # 越秀区, the next county
    yuexiu = make_group(regions, "440104003", yuexiu_coordinator)
    w = SimpleNamespace(
        regions=regions,
        coordinator=coordinator,
        yuexiu_coordinator=yuexiu_coordinator,
        city_coordinator=factories.coordinator(regions["440100"]),  # 广州市 covers both
        admin=factories.AdminFactory(display_name="系统管理员"),
        shipai=shipai,
        tiannan=tiannan,
        yuexiu=yuexiu,
        lead=factories.SocialWorkerFactory(display_name="刘组长", email="liu@example.cn"),
        social_worker=factories.SocialWorkerFactory(display_name="陈社工"),
        volunteer=factories.VolunteerFactory(display_name="王小红", email="wang@example.cn"),
        partner=factories.PartnerMemberFactory(display_name="赵经理"),
        learner=factories.LearnerFactory(display_name="学员甲"),
        tiannan_lead=factories.SocialWorkerFactory(display_name="周组长"),
        tiannan_volunteer=factories.VolunteerFactory(display_name="李志愿", email="li@example.cn"),
        yuexiu_volunteer=factories.VolunteerFactory(display_name="越秀志愿者"),
        officer=factories.education_officer(regions["440106"]),
        outsider=factories.VolunteerFactory(display_name="局外人"),
        anonymous=None,
    )
    join(shipai, w.lead, Membership.Role.LEAD)
    join(shipai, w.social_worker, Membership.Role.SOCIAL_WORKER)
    join(shipai, w.volunteer, Membership.Role.VOLUNTEER)
    join(shipai, w.partner, Membership.Role.ENTERPRISE_CONTACT)
    join(shipai, w.learner, Membership.Role.LEARNER)
    join(tiannan, w.tiannan_lead, Membership.Role.LEAD)
    join(tiannan, w.tiannan_volunteer, Membership.Role.VOLUNTEER)
    # In two groups of the county: reached once.
    join(tiannan, w.volunteer, Membership.Role.VOLUNTEER)
    join(yuexiu, w.yuexiu_volunteer, Membership.Role.VOLUNTEER)
    w.county_people = {
        w.lead,
        w.social_worker,
        w.volunteer,
        w.partner,
        w.tiannan_lead,
        w.tiannan_volunteer,
    }
    return w


def county_drill(w, message="【演练】石牌街道附近发生内涝，请立即确认所联系对象是否安全。", **kw):
    return services.AlertData(
        message=message,
        reach=Reach(kind=kw.pop("kind", "county"), region=kw.pop("region", w.regions["440106"]),
                    group=kw.pop("group", None), roles=tuple(kw.pop("roles", ()))),
        is_drill=kw.pop("is_drill", True),
    )  # fmt: skip


def send(w, data=None, *, sender=None, key="k-1"):
    alert, _created = services.alert_send(
        sender=sender or w.coordinator, data=data or county_drill(w), key=key
    )
    return alert


@pytest.fixture
def published(monkeypatch):
    """What left for the channel layer: (layer groups, message) per send, JSON round-tripped."""
    import json

    from portal import events

    sent = []
    monkeypatch.setattr(
        events,
        "_deliver",
        lambda groups, message: sent.append((groups, json.loads(json.dumps(message)))),
    )
    return sent


def events_of(published, type_):
    """(recipient ids, event) of each published event of one type, either way it was sent."""
    found = []
    for groups, message in published:
        event = message.get("event") or {}
        if event.get("type") != type_:
            continue
        if message["type"] == "portal.broadcast":
            found.append((set(message["to"]), event))
        else:
            found.append(({int(g.split(".")[1]) for g in groups}, event))
    return found
