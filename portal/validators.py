"""Validators for Chinese identifiers used across the portal."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86/0086 so one number has one form."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_mainland_mobile(value: str) -> None:
    if not _MOBILE.match(value):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 13 to 19."),
            code="invalid_mobile",
        )


_REGION_CODE = re.compile(r"^\d{6}(\d{3})?$")


def validate_region_code(value: str) -> None:
    if not _REGION_CODE.match(value):
        raise ValidationError(
            _("A region code has 6 digits (a division) or 9 digits (a judicial office)."),
            code="invalid_region_code",
        )
