"""The order's fulfillment status is derived from its lines' counters, never stored."""

from __future__ import annotations

from ordermill.orders.domain import LineCounts, fulfillment_status


def test_every_open_unit_reserved_is_allocated() -> None:
    assert fulfillment_status([LineCounts(3, 0, 3), LineCounts(1, 1, 0)]) == "allocated"


def test_some_units_reserved_and_some_waiting_is_partially_allocated() -> None:
    assert fulfillment_status([LineCounts(3, 0, 1)]) == "partially_allocated"


def test_nothing_reserved_is_ordered() -> None:
    assert fulfillment_status([LineCounts(3, 0, 0)]) == "ordered"


def test_every_line_cancelled_is_cancelled() -> None:
    assert fulfillment_status([LineCounts(2, 2, 0), LineCounts(1, 1, 0)]) == "cancelled"


def test_every_open_unit_shipped_is_shipped_and_nothing_is_backordered() -> None:
    lines = [LineCounts(2, 0, 0, shipped=2), LineCounts(3, 1, 0, shipped=2)]
    assert fulfillment_status(lines) == "shipped"
    assert [line.backordered for line in lines] == [0, 0]


def test_some_units_shipped_is_partially_shipped() -> None:
    assert fulfillment_status([LineCounts(4, 0, 2, shipped=2)]) == "partially_shipped"
