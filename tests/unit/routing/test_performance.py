"""A location's record, from its own history of fulfillment orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ordermill.routing.domain import PastFulfillment, Performance, performance_from

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _past(hours_to_ship: float | None, *, promised_hours: float | None = 24,
          given_back: bool = False) -> PastFulfillment:
    return PastFulfillment(
        MONDAY, None if promised_hours is None else MONDAY + timedelta(hours=promised_hours),
        None if hours_to_ship is None else MONDAY + timedelta(hours=hours_to_ship), given_back)


def test_a_location_without_history_has_no_record() -> None:
    assert performance_from([]) == Performance(None, None, None)


def test_the_record_counts_on_time_shipments_median_hours_and_what_was_given_back() -> None:
    history = [_past(4), _past(20), _past(30), _past(None, given_back=True), _past(None)]

    record = performance_from(history)

    assert record == Performance(on_time_rate=2 / 3, median_hours_to_ship=20.0,
                                 short_pick_rate=1 / 5)


def test_a_shipment_that_left_exactly_at_its_ship_by_was_on_time() -> None:
    assert performance_from([_past(24)]).on_time_rate == 1.0


def test_shipments_without_a_promise_count_for_speed_but_not_for_punctuality() -> None:
    record = performance_from([_past(10, promised_hours=None), _past(30)])

    assert (record.on_time_rate, record.median_hours_to_ship) == (0.0, 20.0)
