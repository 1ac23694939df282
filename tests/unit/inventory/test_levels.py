"""Stock levels: what is available, when a level counts as fallen to its reorder point, and
which quantities a movement may carry."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordermill.inventory.domain import (
    MAX_QUANTITY,
    Level,
    available,
    became_low,
    validate_quantity,
)
from ordermill.shared.errors import ErrorCollector, FieldError

units = st.integers(min_value=0, max_value=MAX_QUANTITY)


def _level(available_units: int, reorder_point: int = 5) -> Level:
    """A level with exactly `available_units` available, nothing reserved and no safety stock."""
    return Level(on_hand=available_units, reserved=0, safety_stock=0, reorder_point=reorder_point)


def test_available_is_on_hand_less_reserved_less_safety_stock() -> None:
    assert available(on_hand=20, reserved=5, safety_stock=3) == 12
    assert Level(on_hand=20, reserved=5, safety_stock=3, reorder_point=0).available == 12


def test_a_count_below_the_reserved_units_leaves_nothing_available_not_less() -> None:
    assert available(on_hand=2, reserved=5, safety_stock=0) == 0


def test_safety_stock_above_what_is_free_leaves_nothing_available() -> None:
    assert available(on_hand=10, reserved=4, safety_stock=8) == 0


@given(units, units, units)
def test_available_is_never_negative_and_never_more_than_on_hand(on_hand: int, reserved: int,
                                                                  safety_stock: int) -> None:
    result = available(on_hand, reserved, safety_stock)

    assert 0 <= result <= on_hand


def test_falling_from_above_to_exactly_the_reorder_point_counts() -> None:
    assert became_low(_level(6), _level(5)) is True


def test_falling_from_above_to_below_the_reorder_point_counts() -> None:
    assert became_low(_level(9), _level(1)) is True


def test_falling_to_zero_with_a_reorder_point_of_zero_counts() -> None:
    assert became_low(_level(1, reorder_point=0), _level(0, reorder_point=0)) is True


def test_falling_but_staying_above_the_reorder_point_does_not_count() -> None:
    assert became_low(_level(9), _level(6)) is False


def test_falling_further_once_already_at_or_below_does_not_count_again() -> None:
    assert became_low(_level(5), _level(4)) is False
    assert became_low(_level(3), _level(0)) is False


def test_rising_or_standing_still_never_counts() -> None:
    assert became_low(_level(2), _level(8)) is False
    assert became_low(_level(4), _level(4)) is False


def test_a_reservation_that_takes_available_down_to_the_reorder_point_counts() -> None:
    before = Level(on_hand=10, reserved=3, safety_stock=1, reorder_point=4)
    after = Level(on_hand=10, reserved=5, safety_stock=1, reorder_point=4)

    assert (before.available, after.available) == (6, 4)
    assert became_low(before, after) is True


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=60),
       st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_stock_that_only_falls_reports_the_reorder_point_at_most_once(
        reorder_point: int, start: int, takes: list[int]) -> None:
    levels = [start]
    for take in takes:
        levels.append(max(0, levels[-1] - take))

    crossings = [became_low(_level(a, reorder_point), _level(b, reorder_point))
                 for a, b in pairwise(levels)]

    assert crossings.count(True) == (1 if start > reorder_point >= levels[-1] else 0)


def _quantity_errors(quantity: object, **allowed: bool) -> list[FieldError]:
    collector = ErrorCollector()
    validate_quantity("quantity", quantity, collector, **allowed)  # type: ignore[arg-type]
    return collector.errors


def test_a_movement_quantity_is_a_positive_whole_number_by_default() -> None:
    assert _quantity_errors(1) == []
    assert _quantity_errors(MAX_QUANTITY) == []
    assert _quantity_errors(0) == [FieldError("quantity", "must be between 1 and 1000000000")]
    assert _quantity_errors(-3) == [FieldError("quantity", "must be between 1 and 1000000000")]


@pytest.mark.parametrize("quantity", [2.0, "2", True, None])
def test_a_quantity_that_is_not_an_integer_is_refused(quantity: object) -> None:
    assert _quantity_errors(quantity) == [FieldError("quantity", "must be a whole number")]


def test_an_adjustment_may_remove_units_but_not_be_zero() -> None:
    assert _quantity_errors(-7, allow_negative=True) == []
    assert _quantity_errors(0, allow_negative=True) == [
        FieldError("quantity", "must not be zero")]


def test_a_count_may_be_zero_but_not_negative() -> None:
    assert _quantity_errors(0, allow_zero=True) == []
    assert _quantity_errors(-1, allow_zero=True) == [
        FieldError("quantity", "must be between 0 and 1000000000")]


def test_raising_the_reorder_point_past_what_is_available_counts() -> None:
    assert became_low(Level(10, 0, 0, reorder_point=5), Level(10, 0, 0, reorder_point=12))


def test_lowering_the_reorder_point_never_counts() -> None:
    assert not became_low(Level(3, 0, 0, reorder_point=5), Level(3, 0, 0, reorder_point=1))
