"""Mainland resident ID numbers (GB 11643-1999): checked, then kept only as a keyed hash and a
masked form. The key is derived from SECRET_KEY with a fixed salt, so rotating SECRET_KEY needs
the hashes recomputed (the numbers themselves are gone by design)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
HASH_SALT = "volunteers.identity.id_number"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """The normalised number if it is a well-formed 18-digit ID with a valid birth date and
    check character; ValidationError otherwise."""
    number = normalise(value)
    if not PATTERN.match(number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a digit or X."), code="format"
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("This ID number has no valid birth date."), code="date") from None
    if born.year < 1900 or born > date.today():
        raise ValidationError(_("This ID number has no valid birth date."), code="date")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number's check digit is wrong; please check it."), code="checksum"
        )
    return number


def id_hash(number: str) -> str:
    return salted_hmac(HASH_SALT, normalise(number), algorithm="sha256").hexdigest()


def id_masked(number: str) -> str:
    number = normalise(number)
    return number[:4] + "*" * 10 + number[-4:]


def birth_year(number: str) -> int:
    return int(normalise(number)[6:10])
