"""A consent withdrawn while a referral under it is being made, on PostgreSQL's real concurrency:
whichever comes first, no live referral is left under a withdrawn consent. Both paths lock the
group, then the consent (either lock alone orders them); a pause between one side's check and
its write opens the window the other would slip through, and the tests fail with the locks
removed."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from partners import eligibility, services
from partners.models import Consent, Referral
from partners.services import consents as consent_services
from tests.partners.conftest import build_world

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]
PAUSE = 0.5


def in_thread(call, outcome: list):
    def run():
        try:
            outcome.append(call())
        except ValidationError as error:
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def paused(monkeypatch, module, name):
    original = getattr(module, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(PAUSE)
        return result

    monkeypatch.setattr(module, name, slow)


def no_live_referral_under_a_withdrawn_consent():
    consent = Consent.objects.get(purpose=Consent.Purpose.JOBS)
    assert not consent.is_live
    live = Referral.objects.exclude(status__in=Referral.FINAL)
    assert not live.exists(), list(live.values("pk", "status", "consent_id"))


def test_a_withdrawal_during_a_referral_withdraws_it(regions, reference_data, monkeypatch):
    world = build_world(regions)
    # The referral has checked the consent and pauses before writing.
    paused(monkeypatch, eligibility, "posting_refusals")
    referred, withdrawn = [], []
    refer = in_thread(
        lambda: services.referral_create(
            group=world.group, posting=world.job, shared={}, referred_by=world.lead
        ),
        referred,
    )
    time.sleep(PAUSE / 3)
    withdraw = in_thread(
        lambda: services.consent_withdraw(
            consent=world.consents["jobs"], withdrawn_by=world.coordinator
        ),
        withdrawn,
    )
    refer.join(30)
    withdraw.join(30)
    assert isinstance(referred[0], Referral) and isinstance(withdrawn[0], Consent)
    no_live_referral_under_a_withdrawn_consent()
    assert Referral.objects.get().status == Referral.Status.WITHDRAWN


def test_a_referral_during_a_withdrawal_is_refused(regions, reference_data, monkeypatch):
    world = build_world(regions)
    # The withdrawal has found no referral to withdraw and pauses before committing.
    paused(monkeypatch, consent_services, "_covered_referrals")
    referred, withdrawn = [], []
    withdraw = in_thread(
        lambda: services.consent_withdraw(
            consent=world.consents["jobs"], withdrawn_by=world.coordinator
        ),
        withdrawn,
    )
    time.sleep(PAUSE / 3)
    refer = in_thread(
        lambda: services.referral_create(
            group=world.group, posting=world.job, shared={}, referred_by=world.lead
        ),
        referred,
    )
    withdraw.join(30)
    refer.join(30)
    assert isinstance(withdrawn[0], Consent)
    assert isinstance(referred[0], ValidationError)
    no_live_referral_under_a_withdrawn_consent()
    assert not Referral.objects.exists()
