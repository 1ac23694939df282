"""A location that gives orders back earns a record, and routing weighs it."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.fulfillment.service import reject_fulfillment_order
from ordermill.orders.intake import place_order
from ordermill.routing.queries import order_routing
from ordermill.routing.service import set_routing_rules
from ordermill.routing.tables import location_performance
from ordermill.worker.relay import Relay
from tests import builders


def _shop(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=1)
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 10)
    builders.stock(database, "MUG", "west", 10)
    set_routing_rules(builders.uow(database), "web", {
        "policy": "ship_complete", "rules": [{"criterion": "performance", "weight": 1}]})


def test_a_rejection_lowers_the_locations_record_and_the_next_order_goes_elsewhere(
        database: Database) -> None:
    _shop(database)
    first = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))
    [held] = first.order["lines"][0]["reservations"]
    assert held["location"] == "east"  # equal records: the code breaks the tie

    reject_fulfillment_order(builders.uow(database), held["fulfillment_order_id"], "broken shelf")
    Relay(database).drain()
    second = place_order(builders.uow(database), builders.order_input("web", "A-2", {"MUG": 1}))

    with database.reading() as connection:
        record = connection.execute(sa.select(
            location_performance.c.short_pick_rate, location_performance.c.fulfillment_orders)
        ).all()
        decision = order_routing(connection, second.order["id"])["current"]
    assert record == [(1.0, 1)]
    assert [r["location"] for r in second.order["lines"][0]["reservations"]] == ["west"]
    assert {c["location"]: c["scores"]["performance"] for c in decision["candidates"]} == {
        "west": 0.5, "east": 0.0}
