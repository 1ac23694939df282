"""Recording past orders: completed, holding no stock, totals exact, customers matched."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from ordermill.customers.tables import customers
from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.inventory.queries import ledger_mismatches, list_ledger, list_levels
from ordermill.orders.domain import LineInput, OrderInput
from ordermill.orders.history import record_past_orders
from ordermill.orders.intake import place_order
from ordermill.orders.queries import get_order, order_timeline
from ordermill.orders.tables import orders
from ordermill.shared.errors import ValidationFailed
from tests import builders

A_MONTH_AGO = datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC)


def _shop(database: Database) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG", default_price=1500)
    builders.product(database, "CUP", default_price=900)
    builders.product(database, "SET", components={"MUG": 1, "CUP": 2})
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "CUP", "east", 5)


def _past(external_id: str, lines: dict[str, int], *, email: str = "ada@example.com",
          placed_at: datetime | None = A_MONTH_AGO) -> OrderInput:
    order = builders.order_input("web", external_id, lines, unit_price=1500, email=email)
    return replace(order, placed_at=placed_at)


def _count(database: Database, table: sa.Table) -> int:
    with database.reading() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table))
                   .scalar_one())


def _levels(database: Database) -> list[tuple[str, int, int]]:
    with database.reading() as connection:
        items, _ = list_levels(connection)
    return [(level["sku"], level["on_hand"], level["reserved"]) for level in items]


def test_a_past_order_is_completed_and_reserves_nothing(database: Database) -> None:
    _shop(database)
    order = replace(_past("W-1", {}), shipping_price=495, lines=[
        LineInput("MUG", 2, 1500, discount=300, tax=216), LineInput("SET", 1, 1500)])

    [recorded] = record_past_orders(builders.uow(database), [order])

    assert recorded.created
    view = recorded.order
    assert view["status"] == "completed"
    assert view["placed_at"] == "2025-03-14T15:09:26Z"
    assert view["totals"] == {"subtotal": 4500, "discount": 300, "tax": 216, "shipping": 495,
                              "total": 4911}
    assert [line["total"] for line in view["lines"]] == [2916, 1500]
    assert [line["reservations"] for line in view["lines"]] == [[], []]
    assert view["fulfillment_status"] == "shipped"
    assert [(line["shipped_quantity"], line["backordered_quantity"]) for line in view["lines"]] \
        == [(2, 0), (1, 0)]
    assert _levels(database) == [("MUG", 5, 0), ("CUP", 5, 0)]
    with database.reading() as connection:
        assert get_order(connection, view["id"]) == view
        timeline = order_timeline(connection, view["id"])
        assert len(list_ledger(connection)[0]) == 2
        assert ledger_mismatches(connection) == []
    assert [(e["type"], e["occurred_at"]) for e in timeline] == [
        ("order.created", "2025-03-14T15:09:26Z"), ("order.completed", "2025-03-14T15:09:26Z")]


def test_a_past_order_finds_its_customer_by_email(database: Database) -> None:
    _shop(database)
    live = place_order(builders.uow(database),
                       builders.order_input("web", "W-1", {"MUG": 1}, email="Ada@Example.com"))

    [recorded] = record_past_orders(builders.uow(database),
                                    [_past("W-0", {"CUP": 1}, email=" ada@example.COM")])

    assert recorded.order["customer"]["id"] == live.order["customer"]["id"]
    assert _count(database, customers) == 1


def test_the_same_past_order_twice_is_recorded_once(database: Database) -> None:
    _shop(database)
    [first] = record_past_orders(builders.uow(database), [_past("W-1", {"MUG": 1})])

    [again] = record_past_orders(builders.uow(database), [_past("W-1", {"MUG": 1})])

    assert (first.created, again.created) == (True, False)
    assert again.order == first.order
    assert _count(database, orders) == 1


def test_one_bad_order_in_a_batch_records_none_and_is_named(database: Database) -> None:
    _shop(database)
    outbox_before = _count(database, outbox)

    with pytest.raises(ValidationFailed) as failure:
        record_past_orders(builders.uow(database), [
            _past("W-1", {"MUG": 1}), _past("W-2", {"NOPE": 1}, email="bo@example.com")])

    assert [(e.field, e.message) for e in failure.value.errors] == [
        ("orders.1.lines.0.sku", "unknown sku 'NOPE'")]
    assert (_count(database, orders), _count(database, customers)) == (0, 0)
    assert _count(database, outbox) == outbox_before


def test_a_past_order_needs_a_placing_time_that_has_passed(database: Database) -> None:
    _shop(database)
    tomorrow = datetime.now(UTC) + timedelta(days=1)

    with pytest.raises(ValidationFailed) as missing:
        record_past_orders(builders.uow(database), [_past("W-1", {"MUG": 1}, placed_at=None)])
    with pytest.raises(ValidationFailed) as future:
        record_past_orders(builders.uow(database), [_past("W-1", {"MUG": 1},
                                                          placed_at=tomorrow)])

    assert [e.field for e in missing.value.errors] == ["orders.0.placed_at"]
    assert [e.message for e in future.value.errors] == ["must not be in the future"]
    assert _count(database, orders) == 0


def test_an_import_publishes_one_event_and_no_stock_change(database: Database) -> None:
    _shop(database)
    with database.reading() as connection:
        last_before = connection.execute(sa.select(sa.func.max(outbox.c.id))).scalar_one()

    recorded = record_past_orders(builders.uow(database), [
        _past("W-1", {"MUG": 1}), _past("W-2", {"SET": 3}, email="bo@example.com")])

    with database.reading() as connection:
        published = connection.execute(sa.select(outbox.c.topic, outbox.c.payload)
                                       .where(outbox.c.id > last_before)).all()
    assert [topic for topic, _ in published] == ["orders.imported"]
    assert f'"order_ids": [{recorded[0].order["id"]}, {recorded[1].order["id"]}]' in \
        published[0].payload


def test_an_import_of_no_orders_is_refused(database: Database) -> None:
    _shop(database)

    with pytest.raises(ValidationFailed) as failure:
        record_past_orders(builders.uow(database), [])

    assert [e.field for e in failure.value.errors] == ["orders"]


def test_a_past_order_placed_in_another_time_zone_is_kept_in_utc(database: Database) -> None:
    _shop(database)
    in_berlin = datetime(2025, 3, 14, 17, 9, 26, tzinfo=timezone(timedelta(hours=2)))

    [recorded] = record_past_orders(builders.uow(database),
                                    [_past("W-1", {"MUG": 1}, placed_at=in_berlin)])

    with database.reading() as connection:
        stored = get_order(connection, recorded.order["id"])
        timeline = order_timeline(connection, recorded.order["id"])
    assert stored is not None
    assert stored["placed_at"] == recorded.order["placed_at"] == "2025-03-14T15:09:26Z"
    assert timeline[0]["occurred_at"] == "2025-03-14T15:09:26Z"
