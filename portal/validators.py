"""Validators for Chinese identifiers used across the portal."""

import re
import unicodedata

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


# ASCII digits only (\d would take other scripts' digits), and nothing after them.
_REGION_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3})?")


def is_region_code(value: str) -> bool:
    """Six digits (GB/T 2260), or nine for a judicial office (its township's code)."""
    return bool(_REGION_CODE.fullmatch(value))


def validate_region_code(value: str) -> None:
    if not is_region_code(value):
        raise ValidationError(
            _("A region code has 6 digits (a division) or 9 digits (a judicial office)."),
            code="invalid_region_code",
        )


# Characters that hide or reorder text without showing themselves: controls (Cc), format
# characters (Cf: bidirectional overrides and isolates, zero-width spaces and joiners), private
# use and surrogates, and line or paragraph separators.
_HIDING_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def clean_display_name(value: str) -> str:
    """A display name in one form (NFKC: full-width letters and compatibility forms folded;
    spaces collapsed), refused when it carries a character that could hide or reorder text,
    so "刘\u200b芳" or a right-to-left override can never pass for another member's name."""
    if any(unicodedata.category(ch) in _HIDING_CATEGORIES for ch in value or ""):
        raise ValidationError(
            _("A name cannot contain control, invisible or direction-changing characters."),
            code="invalid_display_name",
        )
    name = " ".join(unicodedata.normalize("NFKC", value or "").split())
    if not name:
        raise ValidationError(_("Enter a display name."), code="required")
    return name


def same_name(a: str, b: str) -> bool:
    """Whether two display names would read as one on a screen: compared after NFKC, without
    case, spaces or the dots and hyphens people put between given and family names."""

    def key(value: str) -> str:
        folded = unicodedata.normalize("NFKC", value or "").casefold()
        return "".join(ch for ch in folded if ch.isalnum())

    return key(a) == key(b)
