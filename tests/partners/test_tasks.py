"""The response deadline: a reminder a day before, escalation after; follow-ups when due. The
beat entries name real tasks, and every sweep is idempotent."""

import io
import time
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.core.management import call_command
from django.utils import timezone

from messaging.models import Notification
from partners import schedule, services, tasks
from partners.models import FollowUp, JobPlacement, Organisation, Referral
from portal.celery import app
from portal.models import AuditEvent, Region, User
from tests.servers import celery_worker


def test_the_beat_schedule_names_registered_tasks():
    # partners.tasks is imported above, which registers its tasks with the app.
    for entry in schedule.BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    assert set(schedule.BEAT_SCHEDULE) <= set(app.conf.beat_schedule)


def test_a_reminder_the_day_before_then_escalation_once(world, referral):
    assert tasks.remind_referrals.delay().get() == 0  # a week to go: nothing yet
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() + timedelta(hours=20))
    assert tasks.remind_referrals.delay().get() == 1
    assert Notification.objects.filter(user=world.owner, kind="referral.reminder").count() == 1
    assert tasks.remind_referrals.delay().get() == 0  # idempotent
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    assert tasks.remind_referrals.delay().get() == 1
    for person in (world.lead, world.coordinator):
        assert Notification.objects.filter(user=person, kind="referral.overdue").count() == 1
    assert not Notification.objects.filter(user=world.other_coordinator).exists()
    assert AuditEvent.objects.filter(action="referral.escalated").count() == 1
    assert tasks.remind_referrals.delay().get() == 0


def test_an_answered_referral_is_neither_reminded_nor_escalated(world, referral):
    services.referral_move(
        referral=referral, status="interview", moved_by=world.owner, as_organisation=True
    )
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - timedelta(days=1))
    assert tasks.remind_referrals.delay().get() == 0


def test_the_30_day_follow_up_comes_due(world, referral):
    for status in ("offered", "hired"):
        services.referral_move(
            referral=referral, status=status, moved_by=world.owner, as_organisation=True
        )
    assert tasks.follow_ups_due.delay().get() == 0
    FollowUp.objects.filter(referral=referral, days=30).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    assert tasks.follow_ups_due.delay().get() == 1
    assert tasks.follow_ups_due.delay().get() == 0
    note = Notification.objects.get(user=world.lead, kind="referral.follow_up_due")
    assert "30" in note.title and world.group.code in note.title


def test_seed_scale_makes_organisations_jobs_and_programmes(db):
    call_command(
        "seed_scale", organisations=5, jobs=40, programmes=10, quiet=True, stdout=io.StringIO()
    )
    assert Organisation.objects.count() == 5
    assert JobPlacement.objects.count() == 40
    assert all(j.work_locations.exists() for j in JobPlacement.objects.all()[:5])
    for org in Organisation.objects.all():
        from partners.credit_code import validate_credit_code

        validate_credit_code(org.credit_code)


def _seed_demo():
    """What `seed_demo` does for this app. Called piecewise because the command itself stops at
    portal.demo (a package without seed(); reported to the lead engineer)."""
    from groups import demo as groups_demo
    from partners import demo
    from portal import services as portal_services
    from portal.demo_regions import REGIONS
    from portal.management.commands.seed_demo import DEMO_ACCOUNTS, Command

    portal_services.region_tree_load(tree=REGIONS)
    command = Command(stdout=io.StringIO())
    for row in DEMO_ACCOUNTS:
        command._account(*row)
    groups_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())


def test_seed_demo_gives_the_partner_an_enterprise_and_the_group_a_referral(reference_data):
    _seed_demo()
    partner = User.objects.get(email="partner@demo.portal.cn")
    org = Organisation.objects.get(members__user=partner)
    assert org.is_verified and org.kind == "enterprise"
    assert org.jobplacements.filter(status="open").count() == 2
    assert Organisation.objects.filter(kind="university", status="verified").count() == 5
    referral = Referral.objects.get()
    assert referral.group.judicial_office.get_parent() == Region.objects.get(code="440106")
    organisations = Organisation.objects.count()  # enterprises, universities and the agency
    _seed_demo()  # safe to re-run
    assert Referral.objects.count() == 1 and Organisation.objects.count() == organisations


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminder_and_escalates(regions, reference_data, settings):
    from tests.partners.conftest import build_world

    world = build_world(regions)
    referral = services.referral_create(
        group=world.group, posting=world.job, shared={}, referred_by=world.lead
    )
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    url = settings.REDIS_URL.rsplit("/", 1)[0] + "/11"
    # A queue of this run's own, so no other test's worker on the same Redis takes the task.
    queue = f"partners-test-{uuid.uuid4().hex[:8]}"
    with celery_worker(broker_url=url, queue=queue) as log:
        # A client app of its own: the portal app's producer pool may still hold the eager
        # (memory://) connection of earlier tests in this process.
        with Celery("partners-test", broker=url) as client:
            client.send_task("partners.tasks.remind_referrals", queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            referral.refresh_from_db()
            if referral.escalated_at:
                break
            time.sleep(0.3)
    assert referral.reminded_at and referral.escalated_at, "".join(log)
    assert Notification.objects.filter(user=world.coordinator, kind="referral.overdue").exists()
