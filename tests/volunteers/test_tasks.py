"""The sweep that re-sends decision e-mails whose enqueueing failed is scheduled (the e-mail
path itself, broker down and the sweep, is tested eagerly in test_vetting.py)."""

from volunteers.schedule import BEAT_SCHEDULE


def test_the_sweep_is_scheduled():
    entry = BEAT_SCHEDULE["volunteers-resend-decision-emails"]
    assert entry["task"] == "volunteers.tasks.resend_decision_emails"
