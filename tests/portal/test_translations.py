"""Chinese first: every string of every app is translated, and the compiled catalogues are the
ones committed (no gettext needed to run)."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    po
    for po in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in po.relative_to(ROOT).parts
)

ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE
)


def unquote(block: str) -> str:
    return "".join(
        line[1:-1].encode("raw_unicode_escape").decode("unicode_escape")
        for line in block.splitlines()
    )


def po_entries(po: Path):
    """{msgid: msgstr}; a msgid with a context (msgctxt) is keyed as the .mo file keys it,
    "context\x04msgid", so one English word may read differently in two places."""
    text = po.read_text(encoding="utf-8")
    return text, {
        (f"{unquote(m[1])}\x04" if m[1] else "") + unquote(m[2]): unquote(m[3])
        for m in ENTRY.finditer(text)
        if unquote(m[2])
    }


catalogues = pytest.mark.parametrize(
    "po", CATALOGUES, ids=[po.relative_to(ROOT).parts[0] for po in CATALOGUES]
)


def test_every_app_with_strings_has_a_chinese_catalogue():
    apps = {po.relative_to(ROOT).parts[0] for po in CATALOGUES}
    assert {"portal", "groups"} <= apps


@catalogues
def test_every_string_has_a_chinese_translation_and_none_is_fuzzy(po):
    text, entries = po_entries(po)
    # Every singular entry was read (the header and plural forms aside), so an empty msgstr
    # cannot hide in an entry the pattern skipped; a small app may have few.
    singular = (
        len(re.findall(r"^msgid ", text, re.M)) - 1 - len(re.findall(r"^msgid_plural ", text, re.M))
    )
    assert len(entries) == singular > 0
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    assert "#, fuzzy" not in text


@catalogues
def test_the_portal_addresses_people_as_您_throughout(po):
    """One register, as government services write: 您, never 你 (nor 你们)."""
    _, entries = po_entries(po)
    assert [msgstr for msgstr in entries.values() if "你" in msgstr] == []


@catalogues
def test_the_committed_mo_file_matches_the_po_file(po):
    _text, entries = po_entries(po)
    catalogue = gettext.GNUTranslations(open(po.with_suffix(".mo"), "rb"))  # noqa: SIM115
    stale = [m for m, s in entries.items() if catalogue.gettext(m) != s]
    assert stale == [], "run `make messages` and commit the .mo file"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Volunteer", "志愿者"),
        ("Judicial office", "司法所"),
        ("Too many attempts", "尝试次数过多"),
        ("Correction group", "矫正小组"),
        ("Group lead", "组长"),
    ],
)
def test_key_terms_read_as_the_glossary_says(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
