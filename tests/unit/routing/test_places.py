"""What routing knows of a location and of an address: carrier cut-offs and calendar days in
the location's own time zone, candidates with what they may still take, and where an order
goes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ordermill.locations.domain import ShippingRates
from ordermill.routing import postal
from ordermill.routing.domain import Candidate, Destination, Performance
from ordermill.routing.places import Place, candidate, destination, local_day, past_cutoff

MUG, LID = 1, 2
NEW_YORK_10001 = (40.7484, -73.9967)


@pytest.fixture(autouse=True)
def _us_postal_codes_read() -> None:
    """Routing never waits for a country's codes (the country's centroid answers until they
    are read); these tests are about the answer once they are."""
    postal.warm(["US"])


def _place(**facts: Any) -> Place:
    return Place(**{"id": 7, "code": "east", "priority": 10, "country": "US", **facts})


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("now", "past"), [
    ("2024-07-01T14:59:59Z", False),  # 16:59:59 in Berlin, summer time (UTC+2)
    ("2024-07-01T15:00:00Z", True),  # 17:00 exactly: the truck has gone
    ("2024-07-01T21:59:00Z", True),  # 23:59
    ("2024-07-01T22:00:00Z", False),  # 00:00 on 2 July: a new day, its cut-off still to come
    ("2024-01-15T15:59:00Z", False),  # 16:59 in winter (UTC+1)
    ("2024-01-15T16:00:00Z", True),
])
def test_the_cut_off_is_read_on_the_locations_own_clock(now: str, past: bool) -> None:
    berlin = _place(cutoff_time="17:00", timezone="Europe/Berlin")

    assert past_cutoff(berlin, _at(now)) is past


def test_the_same_moment_is_past_one_locations_cut_off_and_not_anothers() -> None:
    moment = _at("2024-05-01T20:00:00Z")  # 16:00 in New York, 05:00 next day in Tokyo

    assert past_cutoff(_place(cutoff_time="15:00", timezone="America/New_York"), moment)
    assert not past_cutoff(_place(cutoff_time="15:00", timezone="Asia/Tokyo"), moment)
    assert past_cutoff(_place(cutoff_time="15:00"), moment)  # UTC when no zone is given


def test_a_location_without_a_cut_off_is_never_past_it() -> None:
    for moment in ("2024-05-01T00:00:00Z", "2024-05-01T23:59:59Z"):
        assert past_cutoff(_place(timezone="Asia/Tokyo"), _at(moment)) is False


def test_a_midnight_cut_off_is_past_at_every_moment_of_the_day() -> None:
    kiritimati = _place(cutoff_time="00:00", timezone="Pacific/Kiritimati")

    for moment in ("2024-05-01T10:00:00Z", "2024-05-01T09:59:59Z", "2024-05-01T22:30:00Z"):
        assert past_cutoff(kiritimati, _at(moment))


@pytest.mark.parametrize(("timezone", "now", "day"), [
    ("Asia/Tokyo", "2024-05-01T14:59:59Z", date(2024, 5, 1)),  # 23:59:59 JST
    ("Asia/Tokyo", "2024-05-01T15:00:00Z", date(2024, 5, 2)),  # midnight JST
    ("America/Los_Angeles", "2024-05-01T06:30:00Z", date(2024, 4, 30)),  # 23:30 PDT
    ("America/Los_Angeles", "2024-05-01T07:00:00Z", date(2024, 5, 1)),
    ("UTC", "2024-05-01T23:59:59Z", date(2024, 5, 1)),
    ("Pacific/Kiritimati", "2024-04-30T10:00:00Z", date(2024, 5, 1)),  # UTC+14
])
def test_a_locations_day_is_its_own_calendar_day(timezone: str, now: str, day: date) -> None:
    assert local_day(_place(timezone=timezone), _at(now)) == day


def test_a_candidate_carries_what_the_engine_weighs() -> None:
    record = Performance(on_time_rate=0.9, median_hours_to_ship=20.0, short_pick_rate=0.01)
    east = _place(coordinates=(40.7, -74.0), ships_to=frozenset({"US", "CA"}),
                  daily_order_limit=5, cutoff_time="15:00", timezone="America/New_York",
                  performance=record)
    free = {MUG: 4, LID: 0}

    found = candidate(east, free, 3, _at("2024-05-01T18:00:00Z"), "US", 0)  # 14:00 EDT
    free[MUG] = 0

    assert found == Candidate("east", 10, {MUG: 4, LID: 0}, (40.7, -74.0),
                              frozenset({"US", "CA"}), capacity_left=2, past_cutoff=False,
                              shipping_cost=None, performance=record)


@pytest.mark.parametrize(("limit", "load", "left"), [
    (None, 0, None), (None, 500, None), (5, 0, 5), (5, 3, 2), (5, 5, 0), (0, 0, 0),
    (2, 3, -1),  # the limit was lowered below what the day already took
])
def test_a_candidates_capacity_left_is_its_daily_limit_less_todays_load(
        limit: int | None, load: int, left: int | None) -> None:
    found = candidate(_place(daily_order_limit=limit), {}, load, _at("2024-05-01T12:00:00Z"),
                      "US", 0)

    assert found.capacity_left == left


def test_a_candidate_past_its_cut_off_says_so() -> None:
    east = _place(cutoff_time="15:00", timezone="America/New_York")

    assert candidate(east, {}, 0, _at("2024-05-01T19:00:00Z"), "US", 0).past_cutoff is True
    assert candidate(east, {}, 0, _at("2024-05-01T18:59:00Z"), "US", 0).past_cutoff is False


@pytest.mark.parametrize(("country", "grams", "cost"), [
    ("US", 1500, 500 + 300),  # domestic, and 1.5 kg at 200 a kg
    ("CA", 1, 900 + 1),  # the country's own rate; a started kilogram rounds up
    ("DE", 0, 1500),  # international
])
def test_a_candidates_shipping_cost_is_its_rate_to_the_destination(country: str, grams: int,
                                                                    cost: int) -> None:
    rates = ShippingRates(domestic=500, international=1500, per_kg=200, countries={"CA": 900})

    found = candidate(_place(shipping_rates=rates), {}, 0, _at("2024-05-01T12:00:00Z"),
                      country, grams)

    assert found.shipping_cost == cost


def test_a_candidate_without_rates_has_no_shipping_cost() -> None:
    found = candidate(_place(), {}, 0, _at("2024-05-01T12:00:00Z"), "DE", 5000)

    assert found.shipping_cost is None


def test_an_address_with_coordinates_is_placed_at_them() -> None:
    found = destination({"country": "US", "postal_code": "10001", "latitude": 34.05,
                         "longitude": -118.25})

    assert found == Destination("US", (34.05, -118.25))


def test_coordinates_on_the_equator_and_the_meridian_are_coordinates_too() -> None:
    assert destination({"country": "GH", "latitude": 0.0, "longitude": 0}) == Destination(
        "GH", (0.0, 0.0))


def test_an_address_without_coordinates_is_placed_at_its_postal_codes_centroid() -> None:
    found = destination({"country": "US", "postal_code": "10001"})

    assert found.country == "US"
    assert found.coordinates == pytest.approx(NEW_YORK_10001, abs=1e-3)


def test_half_a_pair_of_coordinates_is_ignored_for_the_postal_code() -> None:
    found = destination({"country": "US", "postal_code": "10001", "latitude": 34.05,
                         "longitude": None})

    assert found.coordinates == pytest.approx(NEW_YORK_10001, abs=1e-3)


def test_an_address_without_a_postal_code_is_placed_at_its_countrys_centroid() -> None:
    assert destination({"country": "DE", "postal_code": None}) == Destination("DE", (51.0, 9.0))


def test_an_address_nowhere_known_has_no_coordinates() -> None:
    assert destination({"country": "ZZ", "postal_code": "12345"}) == Destination("ZZ", None)
    assert destination({}) == Destination("", None)
