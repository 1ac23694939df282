"""A location's daily order limit under concurrency: orders placed at once never give a limited
location more fulfillment orders in a day than its limit; the rest go elsewhere, wait on
backorder, or are refused, by the channel's rule.

Every buyer has its own thread and its own connection, and all start at one barrier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.fulfillment import rerouting
from ordermill.fulfillment.service import reject_fulfillment_order
from ordermill.inventory.queries import ledger_mismatches
from ordermill.locations.tables import locations
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.tables import fulfillment_orders
from ordermill.routing import queries as routing_queries
from ordermill.routing.tables import location_daily_load
from ordermill.shared.errors import InsufficientStock
from tests import builders, stock_truth
from tests.concurrency import lock_trouble, run_together

LIMIT = 3
BUYERS = 12
PLENTY = 100


def _shop(database: Database, *, fallback: bool, shortage_policy: str = "reject") -> None:
    """East is preferred and may take LIMIT fulfillment orders a day; west, when there is one,
    has no limit. Both hold far more mugs than every buyer wants."""
    builders.location(database, "east", priority=1, daily_order_limit=LIMIT)
    builders.product(database, "MUG")
    codes = ["east"]
    if fallback:
        builders.location(database, "west", priority=2)
        codes.append("west")
    builders.channel(database, "web", codes, shortage_policy=shortage_policy)
    for code in codes:
        builders.stock(database, "MUG", code, PLENTY)


def _buy_at_once(database: Database) -> list[PlacedOrder | Exception]:
    def buyer(number: int) -> Callable[[], PlacedOrder]:
        order = builders.order_input("web", f"W-{number}", {"MUG": 1},
                                     email=f"buyer{number}@example.com")
        return lambda: place_order(UnitOfWork(database, builders.TESTER), order)

    return run_together([buyer(number) for number in range(BUYERS)])


def _shippers(database: Database) -> dict[int, list[str]]:
    """Each order's fulfillment orders, by location code."""
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(fulfillment_orders.c.order_id, locations.c.code)
            .join(locations, locations.c.id == fulfillment_orders.c.location_id)
            .order_by(fulfillment_orders.c.id))
        found: dict[int, list[str]] = {}
        for row in rows:
            found.setdefault(row.order_id, []).append(row.code)
    return found


def _daily_load(database: Database) -> list[tuple[str, date, int]]:
    with database.reading() as connection:
        return [(row.code, row.day, row.orders) for row in connection.execute(
            sa.select(locations.c.code, location_daily_load.c.day, location_daily_load.c.orders)
            .join(locations, locations.c.id == location_daily_load.c.location_id))]


def _stock_is_true(database: Database) -> dict[tuple[str, str], int]:
    """Reserved units per place, after checking they are what fulfillment orders hold, that
    the ledger adds up and that no order is half reserved."""
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
        assert ledger_mismatches(connection) == []
        assert stock_truth.half_reserved_orders(connection) == []
    reserved = {place: level.reserved for place, level in levels.items() if level.reserved}
    assert reserved == held
    assert all(level.on_hand == PLENTY for level in levels.values())
    return reserved


def _east_in_the_decision(database: Database, order_id: int) -> dict[str, Any]:
    with database.reading() as connection:
        current = routing_queries.order_routing(connection, order_id)["current"]
    return dict(next(c for c in current["candidates"] if c["location"] == "east"))


def _today() -> date:
    return datetime.now(UTC).date()


def test_orders_at_once_give_a_limited_location_its_limit_and_the_rest_go_to_the_other(
        database: Database) -> None:
    _shop(database, fallback=True)
    started_on = _today()

    with lock_trouble(database) as trouble:
        outcomes = _buy_at_once(database)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    assert (len(placed), trouble) == (BUYERS, [])
    assert {p.order["status"] for p in placed} == {"confirmed"}
    shippers = _shippers(database)
    assert sorted(shippers) == sorted(p.order["id"] for p in placed)
    assert Counter(tuple(codes) for codes in shippers.values()) == {
        ("east",): LIMIT, ("west",): BUYERS - LIMIT}
    assert _stock_is_true(database) == {("MUG", "east"): LIMIT,
                                        ("MUG", "west"): BUYERS - LIMIT}
    [(code, day, orders)] = _daily_load(database)
    assert (code, orders) == ("east", LIMIT)
    assert day in {started_on, _today()}
    for order_id, codes in shippers.items():
        if codes == ["west"]:
            assert _east_in_the_decision(database, order_id)["excluded_by"] == "capacity"


def test_orders_at_once_beyond_the_only_locations_limit_wait_on_backorder(
        database: Database) -> None:
    _shop(database, fallback=False, shortage_policy="backorder")

    with lock_trouble(database) as trouble:
        outcomes = _buy_at_once(database)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    assert (len(placed), trouble) == (BUYERS, [])
    assert Counter(p.order["status"] for p in placed) == {"confirmed": LIMIT,
                                                          "pending": BUYERS - LIMIT}
    shippers = _shippers(database)
    confirmed = sorted(p.order["id"] for p in placed if p.order["status"] == "confirmed")
    assert sorted(shippers) == confirmed
    assert set(map(tuple, shippers.values())) == {("east",)}
    for waiting in (p.order for p in placed if p.order["status"] == "pending"):
        line = waiting["lines"][0]
        assert (line["allocated_quantity"], line["backordered_quantity"],
                line["reservations"]) == (0, 1, [])
        east = _east_in_the_decision(database, waiting["id"])
        assert (east["excluded_by"], east["why_excluded"]) == ("capacity",
                                                               "daily order limit reached")
    assert _stock_is_true(database) == {("MUG", "east"): LIMIT}
    assert [(code, orders) for code, _, orders in _daily_load(database)] == [("east", LIMIT)]


def test_orders_at_once_beyond_the_only_locations_limit_are_refused_on_a_rejecting_channel(
        database: Database) -> None:
    _shop(database, fallback=False, shortage_policy="reject")

    with lock_trouble(database) as trouble:
        outcomes = _buy_at_once(database)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert (len(placed), len(refused), trouble) == (LIMIT, BUYERS - LIMIT, [])
    assert {p.order["status"] for p in placed} == {"confirmed"}
    assert sorted(_shippers(database)) == sorted(p.order["id"] for p in placed)
    assert _stock_is_true(database) == {("MUG", "east"): LIMIT}
    assert [(code, orders) for code, _, orders in _daily_load(database)] == [("east", LIMIT)]


def test_a_limit_of_zero_sends_every_order_elsewhere(database: Database) -> None:
    builders.location(database, "east", priority=1, daily_order_limit=0)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", PLENTY)
    builders.stock(database, "MUG", "west", PLENTY)

    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))

    assert _shippers(database) == {placed.order["id"]: ["west"]}
    assert _daily_load(database) == []
    assert _stock_is_true(database) == {("MUG", "west"): 1}


def test_an_order_refused_because_the_only_location_is_full_is_not_told_stock_is_free(
        database: Database) -> None:
    builders.location(database, "east", daily_order_limit=0)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", PLENTY)

    with pytest.raises(InsufficientStock) as refused:
        place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))

    # None of the 100 mugs can go to this order today: a channel told "available 100" would
    # simply send it again.
    assert [(s.sku, s.requested, s.available) for s in refused.value.shortages] == [
        ("MUG", 1, 0)]
    assert _shippers(database) == {}
    assert _stock_is_true(database) == {}


def test_a_rejection_that_loses_a_limited_locations_last_place_is_routed_again(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """West may take one fulfillment order a day and another order has just taken it; the
    rejection read west's load before that order's claim was visible."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2, daily_order_limit=1)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"], shortage_policy="backorder")
    builders.channel(database, "shop", ["west"])
    builders.stock(database, "MUG", "east", PLENTY)
    builders.stock(database, "MUG", "west", PLENTY)
    order = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 2}))
    other = place_order(builders.uow(database), builders.order_input("shop", "B-1", {"MUG": 1}))
    [east_id] = [fulfillment_order_id for fulfillment_order_id, _ in
                 _fulfillment_orders_of(database, order.order["id"]).values()]
    real_load_on, loads_read = rerouting.routing.load_on, []

    def first_read_is_stale(*args: Any) -> dict[int, int]:
        found = real_load_on(*args)
        loads_read.append(found)
        return {location_id: 0 for location_id in found} if len(loads_read) == 1 else found

    monkeypatch.setattr(rerouting.routing, "load_on", first_read_is_stale)

    rejected = reject_fulfillment_order(builders.uow(database), east_id, "flooded")

    assert rejected["status"] == "rejected"
    assert len(loads_read) == 2
    assert _shippers(database) == {order.order["id"]: ["east"], other.order["id"]: ["west"]}
    assert [(code, orders) for code, _, orders in _daily_load(database)] == [("west", 1)]
    assert _stock_is_true(database) == {("MUG", "west"): 1}


def _fulfillment_orders_of(database: Database, order_id: int) -> dict[str, tuple[int, str]]:
    with database.reading() as connection:
        return stock_truth.fulfillment_orders(connection, order_id)
