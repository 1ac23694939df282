"""Stock that changed between intake's read and its write: the order goes round again."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.inventory.domain import Level
from ordermill.inventory.tables import stock_levels
from ordermill.orders import intake_store
from ordermill.orders.intake import place_order
from tests import builders, stock_truth


def test_units_gone_since_the_read_are_found_at_commit_and_the_order_is_placed_afresh(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"], shortage_policy="backorder")
    builders.stock(database, "MUG", "east", 2)
    real_read, reads = intake_store.read, []

    def first_read_sees_five_more(*args: Any) -> intake_store.IntakeReads:
        found = real_read(*args)
        if not reads:
            found.stock[:] = [intake_store.StockRow(
                row.id, row.product_id, row.location_id, row.location_code,
                row.location_priority, Level(row.level.on_hand + 5, row.level.reserved,
                                             row.level.safety_stock, row.level.reorder_point))
                for row in found.stock]
        reads.append(found)
        return found

    monkeypatch.setattr(intake_store, "read", first_read_sees_five_more)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 4}))

    assert len(reads) == 2
    assert placed.order["status"] == "pending"
    assert placed.order["lines"][0]["reservations"] == [
        {"location": "east", "quantity": 2, "fulfillment_order_id": _fulfillment_order(
            database, placed.order["id"], "east")}]
    with database.reading() as connection:
        assert connection.execute(sa.select(stock_levels.c.on_hand, stock_levels.c.reserved)
                                  ).all() == [(2, 2)]
        topics = connection.execute(sa.select(outbox.c.topic).order_by(outbox.c.id)
                                    ).scalars().all()
    assert topics[-4:] == ["inventory.changed", "inventory.low", "order.created",
                           "fulfillment_order.created"]
    assert topics.count("order.created") == 1


def _fulfillment_order(database: Database, order_id: int, location: str) -> int:
    with database.reading() as connection:
        return stock_truth.fulfillment_orders(connection, order_id)[location][0]
