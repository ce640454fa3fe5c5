"""A few messages in the demo group's room (called by `manage.py seed_demo` after groups)."""

from groups.models import Membership
from messaging.models import Message
from messaging.services import message_send, room_ensure

DEMO_LINES = (
    (
        "socialworker@demo.portal.cn",
        "大家好，我是本小组的组长。本周三上午九点在石牌街司法所开个短会。",
    ),
    ("volunteer@demo.portal.cn", "收到，我会准时到。需要我准备就业方面的资料吗？"),
    (
        "partner@demo.portal.cn",
        "我们公司仓储岗位还有两个名额，详情见 https://www.12348.gov.cn/ 的就业帮扶栏目。",
    ),
    (
        "socialworker@demo.portal.cn",
        "@黄经理（企业） 谢谢！请把岗位要求发到群里，我们一起看看是否合适。",
    ),
)


def seed(*, stdout) -> None:
    lead = (
        Membership.objects.filter(
            user__email="socialworker@demo.portal.cn", role=Membership.Role.LEAD, left_at=None
        )
        .select_related("group")
        .first()
    )
    if lead is None:
        stdout.write("Messages: no demo group with a lead; skipped.")
        return
    room = room_ensure(group=lead.group)
    if Message.objects.filter(conversation=room).exists():
        stdout.write("Messages: already seeded.")
        return
    members = {
        m.user.email: m.user
        for m in Membership.objects.filter(group=lead.group, left_at=None).select_related("user")
    }
    sent = 0
    for email, body in DEMO_LINES:
        if email in members:
            message_send(conversation_id=room.pk, sender=members[email], body=body)
            sent += 1
    stdout.write(f"Messages: {sent} messages in the room of {lead.group.code}.")
