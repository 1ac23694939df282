"""Order totals: exact integer sums, where the line totals plus shipping are the order total."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ordermill.orders.domain import (
    LineInput,
    OrderInput,
    Totals,
    line_total,
    order_totals,
    validate_order,
)
from ordermill.shared.address import Address
from ordermill.shared.errors import ErrorCollector, FieldError


@st.composite
def lines(draw: st.DrawFn) -> LineInput:
    quantity = draw(st.integers(min_value=1, max_value=100_000))
    unit_price = draw(st.integers(min_value=0, max_value=10**7))
    discount = draw(st.integers(min_value=0, max_value=quantity * unit_price))
    tax = draw(st.integers(min_value=0, max_value=10**9))
    return LineInput("SKU", quantity, unit_price, discount, tax)


def _order(order_lines: list[LineInput], **fields: object) -> OrderInput:
    return OrderInput(channel="web", external_id="A-1", currency="USD", email="ada@example.com",
                      lines=order_lines, shipping_address=Address(line1="1 Main St",
                                                                  city="Springfield",
                                                                  country="US"),
                      **fields)  # type: ignore[arg-type]


def test_a_line_total_is_quantity_times_price_less_discount_plus_tax() -> None:
    assert line_total(LineInput("MUG", 3, 1999, discount=500, tax=440)) == 5937


def test_the_order_snapshot_adds_up_subtotal_discount_tax_and_shipping() -> None:
    totals = order_totals([LineInput("MUG", 3, 1999, discount=500, tax=440),
                           LineInput("LID", 2, 250, tax=40)], shipping_price=495)

    assert totals == Totals(subtotal=6497, discount=500, tax=480, shipping=495, total=6972)


def test_free_items_and_free_shipping_total_zero() -> None:
    assert order_totals([LineInput("SAMPLE", 4, 0)], 0) == Totals(0, 0, 0, 0, 0)


@given(st.lists(lines(), min_size=1, max_size=40), st.integers(min_value=0, max_value=10**7))
def test_line_totals_plus_shipping_add_up_exactly_to_the_order_total(
        order_lines: list[LineInput], shipping: int) -> None:
    totals = order_totals(order_lines, shipping)

    assert sum(line_total(line) for line in order_lines) + shipping == totals.total
    assert totals.subtotal - totals.discount + totals.tax + totals.shipping == totals.total
    assert totals.subtotal == sum(line.quantity * line.unit_price for line in order_lines)
    assert totals.discount == sum(line.discount for line in order_lines)
    assert totals.tax == sum(line.tax for line in order_lines)
    assert all(isinstance(amount, int) for amount in (
        totals.subtotal, totals.discount, totals.tax, totals.shipping, totals.total))


@given(st.lists(lines(), min_size=1, max_size=40))
def test_no_line_total_is_negative_since_a_discount_never_exceeds_its_line(
        order_lines: list[LineInput]) -> None:
    assert all(line_total(line) >= 0 for line in order_lines)


def test_a_total_the_channel_sends_must_match_the_lines() -> None:
    collector = ErrorCollector()

    validate_order(_order([LineInput("MUG", 2, 1500, tax=300)], shipping_price=500,
                          expected_total=3799), collector)

    assert collector.errors == [FieldError("total", "does not match the lines: they add up "
                                                    "to 3800")]


def test_a_total_that_matches_the_lines_passes() -> None:
    collector = ErrorCollector()

    validate_order(_order([LineInput("MUG", 2, 1500, tax=300)], shipping_price=500,
                          expected_total=3800), collector)

    assert collector.errors == []


def test_a_discount_larger_than_its_line_is_refused() -> None:
    collector = ErrorCollector()

    validate_order(_order([LineInput("MUG", 2, 1500, discount=3001)]), collector)

    assert collector.errors == [FieldError("lines.0.discount",
                                           "must be between 0 and 3000 minor units")]


def test_an_order_total_above_the_ceiling_is_refused() -> None:
    collector = ErrorCollector()

    validate_order(_order([LineInput("GOLD", 100_000, 10**12)]), collector)

    assert collector.errors == [FieldError("lines", "the order total is larger than we accept")]
