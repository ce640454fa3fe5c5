"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z);
the last is a check character computed from the first seventeen with fixed weights.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)},
            code="credit_code_length",
        )
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s.")
            % {"chars": " ".join(wrong)},
            code="credit_code_chars",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the region code (digits)."),
            code="credit_code_region",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (the last one) of this unified social credit code does not "
                "match the others: please copy the code again from the business licence."
            ),
            code="credit_code_check",
        )


def make_credit_code(first17: str) -> str:
    """A valid code from its first 17 characters (demo and scale data)."""
    return first17 + check_character(first17)
