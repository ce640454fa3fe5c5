"""Pseudonymous group codes: GD-440106-2026-0017 = province, county, year, sequence."""

from django.db import transaction
from django.db.models import F

from groups.models import CodeSequence
from portal.models import Region

# ISO 3166-2:CN subdivision letters by the first two digits of a GB/T 2260 code.
PROVINCE_LETTERS = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL",
    "23": "HL", "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX",
    "37": "SD", "41": "HA", "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI",
    "50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ", "61": "SN", "62": "GS",
    "63": "QH", "64": "NX", "65": "XJ", "71": "TW", "81": "HK", "82": "MO",
}  # fmt: skip


def code_prefix(judicial_office: Region, year: int) -> str:
    county = judicial_office.code[:6]
    return f"{PROVINCE_LETTERS.get(county[:2], 'CN')}-{county}-{year}"


def reserve_numbers(prefix: str, count: int = 1) -> range:
    """Take the next `count` numbers for a prefix; concurrent callers get disjoint ranges.

    The UPDATE ... SET last = last + n is atomic in PostgreSQL and SQLite alike, so no two
    transactions read the same value; the row is created on first use.
    """
    with transaction.atomic():
        CodeSequence.objects.get_or_create(prefix=prefix)
        CodeSequence.objects.filter(prefix=prefix).update(last=F("last") + count)
        last = CodeSequence.objects.values_list("last", flat=True).get(prefix=prefix)
    return range(last - count + 1, last + 1)


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}"
