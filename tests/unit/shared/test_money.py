"""Money: integer minor units with a currency, exact arithmetic, formatting by exponent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordermill.shared.money import MAX_AMOUNT, Money, is_currency, minor_unit_exponent

amounts = st.integers(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT)


def test_amounts_of_one_currency_add_and_subtract_exactly() -> None:
    price, discount = Money(1999, "USD"), Money(250, "USD")

    assert price + discount == Money(2249, "USD")
    assert price - discount == Money(1749, "USD")


def test_a_price_times_a_quantity_is_the_line_amount() -> None:
    assert Money(1999, "EUR") * 3 == Money(5997, "EUR")


def test_two_currencies_never_combine() -> None:
    with pytest.raises(ValueError, match="cannot combine USD with EUR"):
        Money(100, "USD") + Money(100, "EUR")
    with pytest.raises(ValueError, match="cannot combine EUR with USD"):
        Money(100, "EUR") - Money(100, "USD")


@pytest.mark.parametrize("amount", [19.99, 20.0, "1999", True, None])
def test_anything_but_an_integer_amount_is_refused(amount: object) -> None:
    with pytest.raises(TypeError, match="integer minor units"):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["usd", "XYZ", "", "DOLLAR", "US"])
def test_an_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        Money(100, currency)


def test_known_currencies_are_the_upper_case_iso_codes() -> None:
    assert [is_currency(code) for code in ("USD", "EUR", "JPY", "KWD", "usd", "XXX")] == [
        True, True, True, True, False, False]


@pytest.mark.parametrize(("currency", "exponent"),
                         [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3),
                          ("BHD", 3), ("CLF", 4)])
def test_each_currency_has_its_minor_unit_exponent(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


@pytest.mark.parametrize(("money", "text"), [
    (Money(1999, "USD"), "19.99 USD"),
    (Money(5, "USD"), "0.05 USD"),
    (Money(-5, "USD"), "-0.05 USD"),
    (Money(123456789, "EUR"), "1,234,567.89 EUR"),
    (Money(1500, "JPY"), "1,500 JPY"),
    (Money(-1500, "JPY"), "-1,500 JPY"),
    (Money(1234, "KWD"), "1.234 KWD"),
    (Money(7, "CLF"), "0.0007 CLF"),
    (Money(0, "GBP"), "0.00 GBP"),
])
def test_formatting_places_the_decimal_point_by_the_currency_exponent(money: Money,
                                                                      text: str) -> None:
    assert money.format() == text


def test_money_is_immutable() -> None:
    price = Money(100, "USD")

    with pytest.raises(AttributeError):
        price.amount = 200  # type: ignore[misc]

    assert price == Money(100, "USD")


@given(amounts, amounts)
def test_adding_then_subtracting_gives_back_the_same_amount(first: int, second: int) -> None:
    assert Money(first, "USD") + Money(second, "USD") - Money(second, "USD") == Money(first, "USD")


@given(amounts, st.integers(min_value=0, max_value=50))
def test_multiplying_equals_adding_the_price_quantity_times(amount: int, quantity: int) -> None:
    price = Money(amount, "EUR")
    total = Money(0, "EUR")
    for _ in range(quantity):
        total = total + price

    assert price * quantity == total
