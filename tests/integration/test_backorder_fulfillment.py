"""Backordered units filled by arriving stock become work for a location: a fulfillment order,
announced with `fulfillment_order.created`, at a location routing would have allowed."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.fulfillment.service import reject_fulfillment_order
from ordermill.fulfillment.work_queue import get_fulfillment_order
from ordermill.orders.domain import Priority
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.queries import get_order, order_timeline
from ordermill.routing.tables import location_daily_load
from ordermill.shared.address import Address
from ordermill.worker.relay import Relay
from tests import builders, stock_truth

PROMISED = datetime(2099, 1, 15, 17, 0, tzinfo=UTC)


def _shop(database: Database, **east: Any) -> None:
    builders.location(database, "east", **east)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"], shortage_policy="backorder")


def _place(database: Database, external_id: str, units: int, **fields: Any) -> dict[str, Any]:
    order = dataclasses.replace(builders.order_input("web", external_id, {"MUG": units}),
                                **fields)
    return place_order(builders.uow(database), order).order


def _published(database: Database, topic: str) -> list[dict[str, Any]]:
    with database.reading() as connection:
        rows = connection.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                  .order_by(outbox.c.id)).scalars().all()
    return [json.loads(payload) for payload in rows]


def _now(database: Database, order_id: int) -> tuple[dict[str, Any], dict[str, tuple[int, str]]]:
    """The order as it is now, and its fulfillment orders by location."""
    with database.reading() as connection:
        order = get_order(connection, order_id)
        fulfillment_orders = stock_truth.fulfillment_orders(connection, order_id)
        assert stock_truth.half_reserved_orders(connection) == []
    assert order is not None
    return order, fulfillment_orders


def _reserved(database: Database) -> dict[tuple[str, str], int]:
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
    reserved = {place: level.reserved for place, level in levels.items() if level.reserved}
    assert reserved == held
    return reserved


def test_stock_arriving_for_a_backordered_order_creates_its_fulfillment_order(
        database: Database) -> None:
    _shop(database)
    order = _place(database, "A-1", 3, ship_by=PROMISED, priority=Priority.URGENT)
    assert (_now(database, order["id"])[1], _published(database, "fulfillment_order.created")
            ) == ({}, [])

    builders.stock(database, "MUG", "east", 5)
    Relay(database).drain()

    now, fulfillment_orders = _now(database, order["id"])
    [(fulfillment_order_id, status)] = [fulfillment_orders.pop("east")]
    assert (fulfillment_orders, status, now["status"]) == ({}, "open", "confirmed")
    assert now["lines"][0]["reservations"] == [
        {"location": "east", "quantity": 3, "fulfillment_order_id": fulfillment_order_id}]
    assert _published(database, "fulfillment_order.created") == [{
        "fulfillment_order_id": fulfillment_order_id, "order_id": order["id"],
        "number": order["number"], "location": "east", "priority": 1,
        "ship_by": "2099-01-15T17:00:00Z", "lines": [{"sku": "MUG", "quantity": 3}]}]
    with database.reading() as connection:
        shown = get_fulfillment_order(connection, fulfillment_order_id)
        timeline = [event["type"] for event in order_timeline(connection, order["id"])]
    assert shown is not None
    assert (shown["status"], shown["priority"], shown["ship_by"], shown["units"]) == (
        "open", "urgent", "2099-01-15T17:00:00Z", 3)
    assert timeline == ["order.created", "order.backordered", "order.backorder_allocated",
                        "order.confirmed"]
    assert _reserved(database) == {("MUG", "east"): 3}


def test_stock_arriving_in_two_deliveries_fills_one_fulfillment_order(
        database: Database) -> None:
    _shop(database)
    order = _place(database, "A-1", 3, ship_by=PROMISED)

    builders.stock(database, "MUG", "east", 2)
    Relay(database).drain()
    first, after_first = _now(database, order["id"])
    builders.stock(database, "MUG", "east", 1)
    Relay(database).drain()
    second, after_second = _now(database, order["id"])

    assert (first["status"], first["lines"][0]["backordered_quantity"]) == ("pending", 1)
    assert (second["status"], second["lines"][0]["backordered_quantity"]) == ("confirmed", 0)
    assert after_first == after_second
    [(fulfillment_order_id, status)] = after_second.values()
    assert status == "open"
    assert [(e["fulfillment_order_id"], e["lines"])
            for e in _published(database, "fulfillment_order.created")] == [
        (fulfillment_order_id, [{"sku": "MUG", "quantity": 2}])]
    with database.reading() as connection:
        shown = get_fulfillment_order(connection, fulfillment_order_id)
    assert shown is not None and shown["units"] == 3
    assert _reserved(database) == {("MUG", "east"): 3}


def test_a_location_that_rejected_the_order_is_not_handed_it_back_with_its_own_stock(
        database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"], shortage_policy="backorder")
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = _place(database, "A-1", 2)
    east_id = _now(database, order["id"])[1]["east"][0]
    reject_fulfillment_order(builders.uow(database), east_id, "flooded")
    west_id = _now(database, order["id"])[1]["west"][0]
    reject_fulfillment_order(builders.uow(database), west_id, "no staff")
    created = _published(database, "fulfillment_order.created")

    # The rejections gave the units back to stock; the relay announces them.
    Relay(database).drain()

    now, fulfillment_orders = _now(database, order["id"])
    assert (now["status"], now["lines"][0]["backordered_quantity"]) == ("pending", 2)
    assert fulfillment_orders == {"east": (east_id, "rejected"), "west": (west_id, "rejected")}
    assert _published(database, "fulfillment_order.created") == created
    assert _reserved(database) == {}


def test_stock_arriving_at_a_location_past_its_daily_limit_gives_it_no_more_work_today(
        database: Database) -> None:
    _shop(database, daily_order_limit=1)
    builders.stock(database, "MUG", "east", 1)
    first = _place(database, "A-1", 1)
    waiting = _place(database, "A-2", 1)
    assert (first["status"], waiting["status"]) == ("confirmed", "pending")

    builders.stock(database, "MUG", "east", 1)
    Relay(database).drain()

    now, fulfillment_orders = _now(database, waiting["id"])
    assert (now["status"], fulfillment_orders) == ("pending", {})
    with database.reading() as connection:
        loads = connection.execute(sa.select(location_daily_load.c.orders)).scalars().all()
    assert loads == [1]
    assert _reserved(database) == {("MUG", "east"): 1}


def test_stock_arriving_at_a_location_that_does_not_ship_to_the_buyer_fills_nothing(
        database: Database) -> None:
    _shop(database, ships_to=["US"])
    to_canada = Address(name="Ada Buyer", line1="1 Wellington St", city="Ottawa",
                        postal_code="K1A 0B1", country="CA")
    abroad: PlacedOrder = place_order(builders.uow(database), dataclasses.replace(
        builders.order_input("web", "A-1", {"MUG": 1}), shipping_address=to_canada))

    builders.stock(database, "MUG", "east", 5)
    Relay(database).drain()

    now, fulfillment_orders = _now(database, abroad.order["id"])
    assert (now["status"], fulfillment_orders) == ("pending", {})
    assert _reserved(database) == {}
