"""The mobile client's JSON API (/api/v1/) at provincial scale, on the data of the groups,
curriculum and partners scenarios (seeded here when they were not): the calls a phone makes
most, each with the app's session token from the headless login, as the app sends it.

On top of those scenarios' data, the volunteer of the coordinator's group gets a history worth
paging: 200 service records, 300 notifications and 500 messages in the group's room.
"""

import json
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from bench.runner import BenchError
from bench.scenarios import curriculum, groups, partners
from groups.models import Membership
from messaging.models import Message, Notification
from messaging.services.chat import room_ensure
from portal.models import User
from volunteers.models import ServiceRecord

NAME = "api"
PASSWORD = "bench-api-口令-2026"  # noqa: S105 (a throwaway bench database's users)
VOLUNTEER = "volunteer.0@bench.example.cn"  # made by the groups scenario, a member of its group
RECORDS, NOTIFICATIONS, MESSAGES = 200, 300, 500
LOGIN = "/_allauth/app/v1/auth/login"


def seed(scale: str) -> str:
    made = [scenario.seed(scale) for scenario in (groups, curriculum, partners)]
    volunteer = User.objects.get(email=VOLUNTEER)
    group = groups._group_of(User.objects.get(email=groups.COORDINATOR))
    profile = volunteer.volunteer_profile
    today = timezone.localdate()
    ServiceRecord.objects.bulk_create(
        ServiceRecord(
            profile=profile, date=today - timedelta(days=i), hours=Decimal("2.5"), group=group,
            region=group.judicial_office, description=f"第{i + 1}次陪同走访与就业指导",
            status=ServiceRecord.Status.CONFIRMED if i % 4 else ServiceRecord.Status.PENDING,
        )
        for i in range(RECORDS)
    )  # fmt: skip
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=volunteer, kind="group.member_added", title=f"小组通知 {i + 1}",
            body="您有一条新的小组动态，请登录查看。", url="/me/",
            created_at=now - timedelta(hours=i), read_at=now if i % 3 else None,
        )
        for i in range(NOTIFICATIONS)
    )  # fmt: skip
    room = room_ensure(group=group)
    senders = list(
        group.memberships.filter(left_at__isnull=True)
        .exclude(role=Membership.Role.LEARNER)
        .values_list("user_id", flat=True)
    )
    Message.objects.bulk_create(
        Message(
            conversation=room, sender_id=senders[i % len(senders)],
            body=f"本周三下午的走访安排第{i + 1}条：请大家按时到司法所集合。",
            created_at=now - timedelta(minutes=MESSAGES - i),
        )
        for i in range(MESSAGES)
    )  # fmt: skip
    return f"{made[0]}; {made[2]}"


def run(report) -> None:
    from curriculum.models import LessonPage

    coordinator = User.objects.get(email=groups.COORDINATOR)
    group = groups._group_of(coordinator)
    volunteer = _app(User.objects.get(email=VOLUNTEER))
    for label, path in (
        ("me (volunteer)", "/api/v1/me"),
        ("my groups", "/api/v1/groups"),
        ("activities near me", "/api/v1/activities"),
        (f"my hours ({RECORDS} records)", "/api/v1/hours"),
        ("my star progress", "/api/v1/hours/progress"),
        (f"notifications ({NOTIFICATIONS})", "/api/v1/notifications"),
        ("my conversations", "/api/v1/chat"),
        (f"room messages ({MESSAGES})", f"/api/v1/chat/{room_ensure(group=group).pk}/messages"),
    ):
        report.measure(label, volunteer, path)

    learner_group = curriculum._group_of(User.objects.get(email=curriculum.COORDINATOR))
    learner = _app(
        learner_group.memberships.get(role=Membership.Role.LEARNER, left_at__isnull=True).user
    )
    report.measure("my lessons (learner)", learner, "/api/v1/learning/lessons")
    lesson = LessonPage.objects.live().exclude(delivery_mode="offline").order_by("path").first()
    if lesson is None:
        raise BenchError("No online lesson was seeded.")
    report.measure("one lesson (learner)", learner, f"/api/v1/learning/lessons/{lesson.pk}")

    employer = _app(User.objects.get(email=partners.EMPLOYER))
    report.measure("referrals (partner)", employer, "/api/v1/referrals")


def _app(user: User) -> Client:
    """A client holding the token the app gets from the headless login, and no cookie."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    response = Client().post(
        LOGIN,
        json.dumps({"email": user.email, "password": PASSWORD}),
        content_type="application/json",
    )
    if response.status_code != 200:
        raise BenchError(f"Headless login of {user.email} answered {response.status_code}.")
    return Client(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
