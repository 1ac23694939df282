"""Pick lists: most urgent first, carts never overfilled, every order on exactly one list in a
tote of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermill.fulfillment.waves import (
    CartCapacity,
    OpenOrder,
    Tote,
    Wave,
    plan_waves,
    single_order_lists,
    urgency,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _order(order_id: int, *, priority: int = 3, ship_by: datetime | None = None,
           cutoff: datetime | None = None, hours_old: int = 1, units: int = 1,
           lines: int = 1) -> OpenOrder:
    return OpenOrder(order_id, priority, ship_by, cutoff, NOW - timedelta(hours=hours_old),
                     units, lines)


def _ids(waves: list[Wave]) -> list[list[int]]:
    return [[tote.order_id for tote in wave.totes] for wave in waves]


def test_orders_go_by_carrier_cutoff_then_priority_then_ship_by_then_age() -> None:
    early, late = NOW + timedelta(hours=2), NOW + timedelta(hours=5)
    orders = [
        _order(1, priority=1),                                  # no cut-off: last
        _order(2, cutoff=late, priority=1),
        _order(3, cutoff=early, priority=3, hours_old=50),
        _order(4, cutoff=early, priority=2),
        _order(5, cutoff=early, priority=3, ship_by=late, hours_old=1),
        _order(6, cutoff=early, priority=3, ship_by=early, hours_old=1),
        _order(7, cutoff=early, priority=3, hours_old=90),
    ]

    waves = single_order_lists(orders, now=NOW)

    assert _ids(waves) == [[4], [6], [5], [7], [3], [2], [1]]
    assert [wave.number for wave in waves] == [1, 2, 3, 4, 5, 6, 7]


def test_a_cart_takes_no_more_orders_than_it_has_totes() -> None:
    orders = [_order(order_id, hours_old=10 - order_id) for order_id in range(1, 6)]

    waves = plan_waves(orders, CartCapacity(max_orders=2), now=NOW)

    assert _ids(waves) == [[1, 2], [3, 4], [5]]


def test_each_order_on_a_list_gets_its_own_tote_numbered_from_t1() -> None:
    orders = [_order(11, units=2, lines=2, hours_old=3), _order(12, units=5, hours_old=2),
              _order(13, units=1, hours_old=1)]

    waves = plan_waves(orders, CartCapacity(max_orders=2), now=NOW)

    assert waves == [
        Wave(1, [Tote("T1", 11, 2, 2, late=False), Tote("T2", 12, 5, 1, late=False)]),
        Wave(2, [Tote("T1", 13, 1, 1, late=False)]),
    ]
    assert (waves[0].units, waves[0].lines) == (7, 3)


def test_a_cart_takes_no_more_units_than_it_holds_and_a_later_order_fills_a_gap() -> None:
    orders = [_order(1, units=6, hours_old=3), _order(2, units=6, hours_old=2),
              _order(3, units=3, hours_old=1)]

    waves = plan_waves(orders, CartCapacity(max_units=10), now=NOW)

    assert _ids(waves) == [[1, 3], [2]]
    assert [wave.units for wave in waves] == [9, 6]


def test_both_limits_hold_at_once() -> None:
    orders = [_order(order_id, units=2, hours_old=10 - order_id) for order_id in range(1, 6)]

    waves = plan_waves(orders, CartCapacity(max_orders=3, max_units=5), now=NOW)

    assert _ids(waves) == [[1, 2], [3, 4], [5]]


def test_an_order_bigger_than_a_cart_gets_a_list_of_its_own_marked_oversize() -> None:
    orders = [_order(1, units=4, hours_old=3), _order(2, units=25, hours_old=2),
              _order(3, units=4, hours_old=1)]

    waves = plan_waves(orders, CartCapacity(max_orders=5, max_units=10), now=NOW)

    assert _ids(waves) == [[1, 3], [2]]
    assert [wave.oversize for wave in waves] == [False, True]
    assert waves[1].totes == [Tote("T1", 2, 25, 1, late=False)]


def test_orders_whose_ship_by_has_passed_are_flagged_late() -> None:
    orders = [_order(1, ship_by=NOW - timedelta(minutes=1), hours_old=3),
              _order(2, ship_by=NOW, hours_old=2), _order(3, hours_old=1)]

    waves = plan_waves(orders, CartCapacity(max_orders=3), now=NOW)

    assert [(tote.order_id, tote.late) for tote in waves[0].totes] == [
        (1, True), (2, False), (3, False)]


def test_single_order_picking_gives_each_order_its_own_list_even_a_large_one() -> None:
    orders = [_order(1, units=500, hours_old=2), _order(2, ship_by=NOW - timedelta(days=1))]

    waves = single_order_lists(orders, now=NOW)

    assert waves == [Wave(1, [Tote("T1", 2, 1, 1, late=True)]),
                     Wave(2, [Tote("T1", 1, 500, 1, late=False)])]


def test_no_orders_make_no_lists() -> None:
    assert plan_waves([], CartCapacity(max_orders=4), now=NOW) == []
    assert single_order_lists([], now=NOW) == []


@pytest.mark.parametrize("capacity", [CartCapacity(), CartCapacity(max_orders=0),
                                      CartCapacity(max_orders=4, max_units=0)])
def test_a_cart_without_a_limit_or_with_a_limit_below_one_is_refused(
        capacity: CartCapacity) -> None:
    with pytest.raises(ValueError, match="cart"):
        plan_waves([_order(1)], capacity, now=NOW)


@pytest.mark.parametrize(("orders", "message"), [
    ([_order(1), _order(1)], "listed twice"),
    ([_order(1, units=0)], "at least 1"),
])
def test_an_order_listed_twice_or_without_units_is_refused(orders: list[OpenOrder],
                                                           message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_waves(orders, CartCapacity(max_orders=4), now=NOW)


_TIMES = st.integers(-48, 48).map(lambda hours: NOW + timedelta(hours=hours))


@st.composite
def _open_orders(draw: st.DrawFn) -> list[OpenOrder]:
    count = draw(st.integers(0, 30))
    return [OpenOrder(order_id, draw(st.integers(1, 4)), draw(st.none() | _TIMES),
                      draw(st.none() | _TIMES), draw(_TIMES), draw(st.integers(1, 30)),
                      draw(st.integers(1, 5)))
            for order_id in draw(st.permutations(range(1, count + 1)))]


@st.composite
def _capacities(draw: st.DrawFn) -> CartCapacity:
    capacity = CartCapacity(draw(st.none() | st.integers(1, 8)),
                            draw(st.none() | st.integers(1, 40)))
    if capacity.max_orders is None and capacity.max_units is None:
        return CartCapacity(max_orders=draw(st.integers(1, 8)))
    return capacity


@settings(max_examples=300, deadline=None)
@given(_open_orders(), _capacities(), st.randoms(use_true_random=False))
def test_waves_hold_every_order_once_never_overfill_a_cart_and_do_not_depend_on_input_order(
        orders: list[OpenOrder], capacity: CartCapacity, shuffler: Random) -> None:
    waves = plan_waves(orders, capacity, now=NOW)
    by_id = {order.id: order for order in orders}

    assert sorted(tote.order_id for wave in waves for tote in wave.totes) == sorted(
        order.id for order in orders)
    assert [wave.number for wave in waves] == list(range(1, len(waves) + 1))
    for wave in waves:
        assert [tote.label for tote in wave.totes] == [
            f"T{position}" for position in range(1, len(wave.totes) + 1)]
        if wave.oversize:
            assert len(wave.totes) == 1
            assert capacity.max_units is not None and wave.units > capacity.max_units
            continue
        assert wave.totes
        assert capacity.max_orders is None or len(wave.totes) <= capacity.max_orders
        assert capacity.max_units is None or wave.units <= capacity.max_units
    # Each list starts with the most urgent order not on an earlier one.
    firsts = [by_id[wave.totes[0].order_id] for wave in waves]
    assert firsts == sorted(firsts, key=urgency)
    for tote in (tote for wave in waves for tote in wave.totes):
        ship_by = by_id[tote.order_id].ship_by
        assert tote.late == (ship_by is not None and ship_by < NOW)
    shuffled = list(orders)
    shuffler.shuffle(shuffled)
    assert plan_waves(shuffled, capacity, now=NOW) == waves
