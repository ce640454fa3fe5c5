"""Every audit action is described in words (portal/audit_labels.py): the codes written as
literals in the apps' code, and the families built from a value (volunteer.<decision>,
referral.<status>, <posting>.<status>, affiliation.<step>, organisation.join_<answer>)."""

import re
from pathlib import Path

from django.utils import translation

from partners.models import Posting, Referral
from portal.audit_labels import CATEGORIES, LABELS, action_label
from volunteers.services.vetting import Decision

ROOT = Path(__file__).resolve().parents[2]
APPS = [path.parent for path in ROOT.glob("*/apps.py")]
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]*[a-z])"')


def literal_codes() -> set[str]:
    found = set()
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" not in path.parts:
                found.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def built_codes() -> set[str]:
    postings = {"created", "updated", *Posting.Status.values} - {"draft"}
    return {
        *(f"volunteer.{decision}" for decision in Decision.values),
        *(f"referral.{status}" for status in Referral.Status.values),
        *(f"{kind}.{what}" for kind in ("jobplacement", "programme") for what in postings),
        *(f"affiliation.{step}" for step in ("requested", "confirmed", "declined", "ended")),
        "organisation.join_approved",
        "organisation.join_declined",
        # messaging.services.chat passes these to its own _audit helper
        "message.edited",
        "message.deleted",
    }


def test_the_scan_finds_the_codes_the_apps_write():
    codes = literal_codes()
    assert {"group.created", "staff_role.revoked", "activity.checked_in"} <= codes
    assert len(codes) > 50


def test_every_action_code_has_a_label_in_words():
    missing = sorted((literal_codes() | built_codes()) - set(LABELS))
    assert not missing, f"audit actions shown as codes: {missing}"


def test_every_label_is_chinese_for_a_chinese_reader_and_in_a_category():
    prefixes = tuple(p for _label, group in CATEGORIES.values() for p in group)
    with translation.override("zh-hans"):
        for code in LABELS:
            label = str(action_label(code))
            assert re.search(r"[\u4e00-\u9fff]", label), (code, label)
            assert code.startswith(prefixes), code
