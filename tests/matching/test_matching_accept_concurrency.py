"""Two people accepting the last place at the same moment, on PostgreSQL's real concurrency
(row locks across connections): exactly one succeeds, the other is told why, and no capacity
is ever exceeded. Threads with their own connections, like tests/groups/test_codes.py."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from groups import services as group_services
from groups.models import Membership
from matching import services, suggest
from partners.models import Referral
from portal.models import AuditEvent
from tests import factories
from tests.groups.conftest import group_data
from tests.matching.test_matching_accept import build_world
from tests.partners import factories as partner_factories

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def at_once(calls):
    """Run each call in its own thread and connection, released together; return
    (successes, refusals, other failures)."""
    start = threading.Barrier(len(calls))
    done, refused, failures = [], [], []

    def run(call):
        try:
            start.wait(timeout=10)
            done.append(call())
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return done, refused, failures


@pytest.fixture(autouse=True)
def slow_check(monkeypatch):
    """Widen the window between the re-check and the write, so that without the candidate's
    row lock both accepts would pass the check before either writes (the test then fails)."""
    check = suggest.candidate_refusal

    def slow(*args, **kwargs):
        refusal = check(*args, **kwargs)
        time.sleep(0.3)
        return refusal

    monkeypatch.setattr(suggest, "candidate_refusal", slow)


@pytest.fixture
def world(regions, reference_data):
    world = build_world(regions)
    world.groups = [world.group] + [
        group_services.group_create(data=group_data(regions), created_by=world.coordinator)
        for _ in range(3)
    ]
    return world


def test_two_coordinators_taking_a_volunteers_last_place_at_once(world, regions):
    # Four coordinators of the county (or above it) each accept the same volunteer, who has
    # room for one group, into a different group.
    actors = [world.coordinator, world.city_coordinator] + [
        factories.coordinator(regions["440106"]) for _ in range(2)
    ]
    calls = [
        lambda actor=actor, group=group: services.suggestion_accept(
            actor=actor, group=group, kind="volunteer", candidate_id=world.candidate.pk
        )
        for actor, group in zip(actors, world.groups, strict=True)
    ]
    done, refused, failures = at_once(calls)
    assert failures == []
    assert len(done) == 1 and len(refused) == 3
    assert all(r.startswith("该建议已无法接受") for r in refused), refused
    assert Membership.objects.filter(user=world.candidate, left_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="group.suggestion_accepted").count() == 1


def test_two_coordinators_accepting_one_volunteer_into_one_group_at_once(world, regions):
    calls = [
        lambda actor=actor: services.suggestion_accept(
            actor=actor, group=world.group, kind="volunteer", candidate_id=world.candidate.pk
        )
        for actor in (world.coordinator, world.city_coordinator)
    ]
    done, refused, failures = at_once(calls)
    assert failures == [] and len(done) == 1 and len(refused) == 1
    assert world.group.memberships.filter(user=world.candidate).count() == 1


def test_two_leads_taking_a_jobs_last_position_at_once(world):
    # The job has one position; each group has its own lead, who alone may refer it.
    leads = [world.lead]
    for group in world.groups[1:]:
        lead = factories.vetted(factories.SocialWorkerFactory())
        group_services.lead_hand_over(group=group, new_lead=lead, handed_over_by=world.coordinator)
        partner_factories.consent(group, world.organisation, lead)  # each person signed
        leads.append(lead)
    calls = [
        lambda lead=lead, group=group: services.suggestion_accept(
            actor=lead, group=group, kind="job", candidate_id=world.job.pk
        )
        for lead, group in zip(leads, world.groups, strict=True)
    ]
    done, refused, failures = at_once(calls)
    assert failures == []
    assert len(done) == 1 and len(refused) == 3, refused
    assert Referral.objects.filter(job=world.job).count() == world.job.positions == 1
