"""Backordered lines are filled, oldest order first, when stock arrives."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.inventory.queries import ledger_mismatches, list_levels
from ordermill.orders.intake import place_order
from ordermill.orders.queries import get_order, order_timeline
from ordermill.orders.tables import fulfillment_order_lines as allocations
from ordermill.worker.relay import Relay
from tests import builders


def _backorder_shop(database: Database) -> None:
    builders.location(database, "east")
    builders.location(database, "west")
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.product(database, "SET", components={"MUG": 2, "LID": 1})
    builders.channel(database, "web", ["east"], shortage_policy="backorder")


def test_arriving_stock_fills_the_oldest_backorder_first_and_confirms_it(
        database: Database) -> None:
    _backorder_shop(database)
    first = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 3}))
    second = place_order(builders.uow(database), builders.order_input("web", "A-2", {"MUG": 2}))
    assert first.order["status"] == second.order["status"] == "pending"

    builders.stock(database, "MUG", "east", 4)
    Relay(database).drain()

    with database.reading() as connection:
        oldest = get_order(connection, first.order["id"])
        newer = get_order(connection, second.order["id"])
        level = list_levels(connection, sku="MUG", location="east")[0][0]
        timeline = [e["type"] for e in order_timeline(connection, first.order["id"])]
        assert ledger_mismatches(connection) == []
    assert oldest is not None and newer is not None
    assert (oldest["status"], oldest["lines"][0]["backordered_quantity"]) == ("confirmed", 0)
    assert (newer["status"], newer["lines"][0]["allocated_quantity"]) == ("pending", 1)
    assert (level["on_hand"], level["reserved"], level["available"]) == (4, 4, 0)
    assert timeline[-2:] == ["order.backorder_allocated", "order.confirmed"]


def test_stock_at_a_location_the_channel_does_not_use_fills_nothing(database: Database) -> None:
    _backorder_shop(database)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))

    builders.stock(database, "MUG", "west", 5)
    Relay(database).drain()

    with database.reading() as connection:
        order = get_order(connection, placed.order["id"])
        count = connection.execute(sa.select(sa.func.count()).select_from(allocations)).scalar()
    assert order is not None and order["status"] == "pending"
    assert count == 0


def test_a_backordered_kit_waits_for_every_component(database: Database) -> None:
    _backorder_shop(database)
    placed = place_order(builders.uow(database), builders.order_input("web", "K-1", {"SET": 1}))

    builders.stock(database, "MUG", "east", 2)
    Relay(database).drain()
    with database.reading() as connection:
        waiting = get_order(connection, placed.order["id"])

    builders.stock(database, "LID", "east", 1)
    Relay(database).drain()
    with database.reading() as connection:
        filled = get_order(connection, placed.order["id"])
        levels = {row["sku"]: row["reserved"] for row in list_levels(connection)[0]}

    assert waiting is not None and waiting["lines"][0]["allocated_quantity"] == 0
    assert filled is not None and filled["status"] == "confirmed"
    assert levels == {"MUG": 2, "LID": 1}
