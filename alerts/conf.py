"""The alerts' settings, read when used so tests can change them."""

from django.conf import settings


def ack_wait_seconds() -> int:
    """How long a recipient has to acknowledge before the e-mail goes out (default two minutes);
    their group's lead is reminded after twice this. Tests make it a few seconds."""
    return int(getattr(settings, "ALERTS_ACK_WAIT_SECONDS", 120))


def repush_after_seconds() -> int:
    """How old a recipient's unpushed row must be before the sweep pushes it again: long enough
    that the web process sending the alert is surely done (or dead)."""
    return int(getattr(settings, "ALERTS_REPUSH_AFTER_SECONDS", 30))
