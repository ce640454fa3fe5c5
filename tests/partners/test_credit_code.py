import pytest
from django.core.exceptions import ValidationError

from partners.credit_code import check_character, make_credit_code, validate_credit_code


def test_a_published_example_code_is_valid():
    validate_credit_code("91350100M000100Y43")
    assert check_character("91350100M000100Y4") == "3"


def test_lower_case_and_spaces_are_accepted():
    validate_credit_code(" 91350100m000100y43 ")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "credit_code_check"),
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100I43", "credit_code_chars"),
        ("9135A100M000100Y43", "credit_code_region"),
    ],
)
def test_wrong_codes_are_refused_with_a_reason(code, error):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error


def test_every_made_code_passes():
    for i in range(200):
        validate_credit_code(make_credit_code(f"9144010{i:010d}"))
