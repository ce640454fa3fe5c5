"""GB 11643 ID numbers: checked, then kept only as a keyed hash and a masked form."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from volunteers import identity

# The standard's own example number (GB 11643-1999, appendix).
VALID = "11010519491231002X"


def test_a_valid_number_passes_and_is_normalised():
    assert identity.validate_id_number(" 11010519491231002x ") == VALID


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491331002X", "date"),
        ("1101051949123100", "format"),
        ("11010519491231002Y", "format"),
        ("", "format"),
    ],
)
def test_a_wrong_number_is_refused_with_its_reason(number, code):
    with pytest.raises(ValidationError) as error:
        identity.validate_id_number(number)
    assert error.value.code == code


def test_the_mask_keeps_four_characters_at_each_end():
    assert identity.id_masked(VALID) == "1101**********002X"


def test_the_hash_is_keyed_by_the_secret_key_and_ignores_case_and_spaces():
    digest = identity.id_hash(VALID)
    assert len(digest) == 64 and VALID not in digest
    assert identity.id_hash("11010519491231002x ") == digest
    with override_settings(SECRET_KEY="another-" + "k" * 50):
        assert identity.id_hash(VALID) != digest
