"""The demo messages and the beat entry: safe to re-run, plain data."""

import io

from groups.models import Membership
from messaging import demo
from messaging.models import Message
from messaging.schedule import BEAT_SCHEDULE


def test_the_demo_room_gets_a_few_chinese_messages_once(world):
    for user, email in (
        (world.lead, "socialworker@demo.portal.cn"),
        (world.volunteer, "volunteer@demo.portal.cn"),
        (world.partner, "partner@demo.portal.cn"),
    ):
        user.email = email
        user.save(update_fields=["email"])
    world.partner.display_name = "黄经理（企业）"
    world.partner.save(update_fields=["display_name"])
    out = io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    bodies = list(Message.objects.filter(conversation=world.room).values_list("body", flat=True))
    assert len(bodies) == len(demo.DEMO_LINES)
    assert "司法所" in bodies[0]
    assert "already seeded" in out.getvalue()
    assert Membership.objects.filter(group=world.group, left_at=None).count() == 5


def test_the_digest_sweep_is_scheduled():
    assert BEAT_SCHEDULE["messaging-digests"]["task"] == "messaging.tasks.digests_sweep"
