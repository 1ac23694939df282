"""Low stock: `inventory.low` fires when a sku's available units at a location fall to or
below its reorder point, once per fall, and its handler raises one alert per event."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.inventory.queries import open_alerts
from ordermill.inventory.service import (
    adjust_stock,
    count_stock,
    set_stock_policy,
    transfer_stock,
)
from ordermill.orders.intake import place_order
from ordermill.orders.service import cancel_order
from ordermill.worker.relay import Relay
from tests import builders

REORDER_POINT = 3


def _shop(database: Database, skus: list[str], units: int = 10) -> None:
    """Each sku with `units` at east and a reorder point of 3 there."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.channel(database, "web", ["east"])
    for sku in skus:
        builders.product(database, sku)
        builders.stock(database, sku, "east", units)
        set_stock_policy(builders.uow(database), sku=sku, location="east",
                         reorder_point=REORDER_POINT)


def _buy(database: Database, external_id: str, units: int, sku: str = "MUG") -> int:
    placed = place_order(builders.uow(database),
                         builders.order_input("web", external_id, {sku: units}))
    return int(placed.order["id"])


def _low_events(database: Database) -> list[dict[str, Any]]:
    with database.reading() as connection:
        rows = connection.execute(sa.select(outbox.c.payload)
                                  .where(outbox.c.topic == "inventory.low")
                                  .order_by(outbox.c.id))
        return [json.loads(payload) for payload in rows.scalars()]


def _fell(event: dict[str, Any]) -> tuple[str, str, int]:
    return event["sku"], event["location"], event["available"]


def test_low_stock_fires_once_when_orders_take_available_down_to_the_reorder_point(
        database: Database) -> None:
    _shop(database, ["MUG"])

    _buy(database, "A-1", 6)
    just_above = _low_events(database)
    _buy(database, "A-2", 1)
    at_the_point = _low_events(database)
    _buy(database, "A-3", 2)
    further_below = _low_events(database)

    assert just_above == []
    assert [_fell(e) for e in at_the_point] == [("MUG", "east", REORDER_POINT)]
    assert at_the_point[0]["reorder_point"] == REORDER_POINT
    assert further_below == at_the_point


def test_low_stock_fires_again_only_after_available_climbed_back_above_the_point(
        database: Database) -> None:
    _shop(database, ["MUG"])
    first_fall = _buy(database, "A-1", 7)

    cancel_order(builders.uow(database), order_id=first_fall)
    after_recovery = _low_events(database)
    _buy(database, "A-2", 9)

    assert [_fell(e) for e in after_recovery] == [("MUG", "east", REORDER_POINT)]
    assert [_fell(e) for e in _low_events(database)] == [("MUG", "east", REORDER_POINT),
                                                         ("MUG", "east", 1)]


def test_every_kind_of_stock_fall_to_the_point_fires_and_a_smaller_one_does_not(
        database: Database) -> None:
    _shop(database, ["DAMAGED", "COUNTED", "MOVED", "GUARDED", "SOLD"])

    adjust_stock(builders.uow(database), sku="DAMAGED", location="east", quantity=-8,
                 reason="damaged")
    count_stock(builders.uow(database), sku="COUNTED", location="east", quantity=3)
    transfer_stock(builders.uow(database), sku="MOVED", from_location="east",
                   to_location="west", quantity=9)
    set_stock_policy(builders.uow(database), sku="GUARDED", location="east", safety_stock=7)
    _buy(database, "A-1", 6, sku="SOLD")

    assert [_fell(e) for e in _low_events(database)] == [
        ("DAMAGED", "east", 2), ("COUNTED", "east", 3), ("MOVED", "east", 1),
        ("GUARDED", "east", 3)]


def test_the_low_stock_handler_raises_one_alert_per_event_however_often_delivered(
        database: Database) -> None:
    _shop(database, ["MUG"])
    _buy(database, "A-1", 7)
    Relay(database).drain()

    with database.engine.begin() as connection:
        connection.execute(outbox.update().where(outbox.c.topic == "inventory.low")
                           .values(delivered_at=None))
    Relay(database).drain()

    with database.reading() as connection:
        alerts = open_alerts(connection)
        redelivered = connection.execute(sa.select(outbox.c.attempts, outbox.c.delivered_at)
                                         .where(outbox.c.topic == "inventory.low")).one()
    assert [(a["sku"], a["location"], a["available"], a["reorder_point"]) for a in alerts] == [
        ("MUG", "east", REORDER_POINT, REORDER_POINT)]
    assert redelivered.attempts == 0
    assert redelivered.delivered_at is not None


def test_each_separate_fall_gets_its_own_alert(database: Database) -> None:
    _shop(database, ["MUG"])
    first_fall = _buy(database, "A-1", 7)
    cancel_order(builders.uow(database), order_id=first_fall)
    _buy(database, "A-2", 8)

    Relay(database).drain()

    with database.reading() as connection:
        alerts = open_alerts(connection)
    assert [(a["sku"], a["available"]) for a in alerts] == [("MUG", 2), ("MUG", REORDER_POINT)]


def test_raising_the_reorder_point_past_the_stock_there_is_fires_once(
        database: Database) -> None:
    _shop(database, ["MUG"])

    set_stock_policy(builders.uow(database), sku="MUG", location="east", reorder_point=12)
    set_stock_policy(builders.uow(database), sku="MUG", location="east", reorder_point=15)

    assert [_fell(e) for e in _low_events(database)] == [("MUG", "east", 10)]


def test_an_orders_reservation_announces_each_level_as_it_became_then_the_order(
        database: Database) -> None:
    _shop(database, ["MUG"])
    with database.reading() as connection:
        before = connection.execute(sa.select(sa.func.max(outbox.c.id))).scalar_one()
    _buy(database, "A-1", 7)
    with database.reading() as connection:
        written = [(topic, json.loads(payload)) for topic, payload in connection.execute(
            sa.select(outbox.c.topic, outbox.c.payload).where(outbox.c.id > before)
            .order_by(outbox.c.id))]
    level = {"sku": "MUG", "location": "east", "on_hand": 10, "reserved": 7,
             "safety_stock": 0, "available": 3, "reorder_point": REORDER_POINT}
    assert [topic for topic, _ in written] == ["inventory.changed", "inventory.low",
                                               "order.created", "fulfillment_order.created"]
    assert written[0][1] == written[1][1] == level
