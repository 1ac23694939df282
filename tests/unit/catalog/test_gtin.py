"""GTIN check digits: GS1 mod-10 over GTIN-8, -12, -13 and -14."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordermill.catalog.domain import gtin_is_valid


def _check_digit(body: str) -> int:
    """GS1's own recipe, written independently: pad the body to 17 digits, weigh them
    3, 1, 3, ... from the left, and take what rounds the sum up to a multiple of ten."""
    padded = body.rjust(17, "0")
    weighted = sum(int(digit) * (3 if position % 2 == 0 else 1)
                   for position, digit in enumerate(padded))
    return -weighted % 10


bodies = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda length: st.text(alphabet="0123456789", min_size=length, max_size=length))


@pytest.mark.parametrize("gtin", [
    "96385074",          # GTIN-8
    "40170725",          # GTIN-8
    "036000291452",      # GTIN-12 (UPC-A)
    "012345678905",      # GTIN-12
    "4006381333931",     # GTIN-13 (EAN-13)
    "5901234123457",     # GTIN-13
    "10012345678902",    # GTIN-14
    "00012345678905",    # GTIN-14: a GTIN-12 padded with zeros
    "00000000",          # all zeros checks out
])
def test_real_gtins_of_every_length_are_valid(gtin: str) -> None:
    assert gtin_is_valid(gtin) is True


@pytest.mark.parametrize("gtin", [
    "96385075",          # GTIN-8, last digit off by one
    "036000291453",      # GTIN-12, wrong check digit
    "4006381333932",     # GTIN-13, wrong check digit
    "10012345678901",    # GTIN-14, wrong check digit
    "4006381333913",     # GTIN-13, two digits swapped
])
def test_a_wrong_check_digit_is_invalid(gtin: str) -> None:
    assert gtin_is_valid(gtin) is False


@pytest.mark.parametrize("gtin", [
    "", "9638507", "963850740", "0360002914", "03600029145", "400638133393100",
    "123456789012345678",
])
def test_lengths_other_than_8_12_13_and_14_are_invalid(gtin: str) -> None:
    assert gtin_is_valid(gtin) is False


@pytest.mark.parametrize("gtin", [
    "4006381-33931", " 400638133393", "400638133393 ", "40063813339A1", "-9638507",
    "+9638507", "9638507.",
])
def test_anything_but_digits_is_invalid(gtin: str) -> None:
    assert gtin_is_valid(gtin) is False


@pytest.mark.parametrize("gtin", [
    "\u0664\u0660\u0660\u0666\u0663\u0668\u0661\u0663\u0663\u0663\u0669\u0663\u0661",
    "9638507\u2074",
    "\uff19\uff16\uff13\uff18\uff15\uff10\uff17\uff14",
])
def test_digits_of_other_scripts_are_invalid_not_an_error(gtin: str) -> None:
    # Arabic-Indic, superscript and full-width digits pass str.isdigit but are no GTIN.
    assert gtin_is_valid(gtin) is False


@given(bodies)
def test_any_body_with_its_computed_check_digit_is_valid(body: str) -> None:
    assert gtin_is_valid(body + str(_check_digit(body))) is True


@given(bodies, st.integers(min_value=1, max_value=9))
def test_any_other_last_digit_is_invalid(body: str, offset: int) -> None:
    wrong = (_check_digit(body) + offset) % 10

    assert gtin_is_valid(body + str(wrong)) is False
