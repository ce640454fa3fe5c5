"""A referral and the people around its conversation: the receiving enterprise's owner and
member (广州粤新制造有限公司), another enterprise's owner, the referring group's lead, social
worker, volunteer and learner, a coordinator of the region, an outsider and nobody logged in."""

from types import SimpleNamespace

from groups import services as group_services
from groups.models import Membership
from messaging.models import Conversation
from partners import services as partner_services
from tests import factories
from tests.partners import factories as partner_factories
from tests.partners.conftest import build_world

SHARED = {"skills": ["职业技能培训"], "availability": "工作日白天", "experience": "做过三年车工"}
LEARNER_NAME = "学员甲"


def refer(world, posting=None):
    return partner_services.referral_create(
        group=world.group,
        posting=posting or world.job,
        shared=SHARED,
        note="面试前请提前两天告知",
        referred_by=world.lead,
    )


def thread_of(referral) -> Conversation:
    return Conversation.objects.get(kind=Conversation.Kind.REFERRAL, subject_id=referral.pk)


def build_referral_world(regions) -> SimpleNamespace:
    world = build_world(regions)
    coordinator, group = world.coordinator, world.group
    world.social_worker = group_services.member_add(
        group=group,
        user=factories.vetted(factories.SocialWorkerFactory(display_name="陈静")),
        role=Membership.Role.SOCIAL_WORKER,
        added_by=coordinator,
    ).user
    world.group_volunteer = group_services.member_add(
        group=group,
        user=factories.vetted(factories.VolunteerFactory(display_name="王小红")),
        role=Membership.Role.VOLUNTEER,
        added_by=coordinator,
    ).user
    world.learner = group_services.learner_account_create(
        group=group, display_name=LEARNER_NAME, created_by=coordinator
    ).user
    world.other_partner = factories.PartnerMemberFactory(display_name="孙经理")
    partner_factories.organisation(
        world.other_partner, verifier=coordinator, name="广州华南物流有限公司"
    )
    world.referral = refer(world)
    world.thread = thread_of(world.referral)
    return world


# Who takes part in the referral's conversation, and who does not.
ALLOWED = ("owner", "member", "lead", "social_worker")
REFUSED = (
    "other_partner",
    "group_volunteer",
    "learner",
    "coordinator",
    "outsider",
    "volunteer",
)
