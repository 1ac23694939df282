"""The `ordermill` command line, run end to end on the test database."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.inventory.queries import ledger_mismatches, list_ledger, list_levels
from ordermill.orders.intake import place_order
from ordermill.orders.queries import get_order
from tests import builders
from tests.e2e.conftest import Run


def _shop(database: Database) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG", default_price=1500)
    builders.product(database, "CUP", default_price=900)
    builders.channel(database, "web", ["east"], shortage_policy="backorder")


def _level(database: Database, sku: str) -> tuple[int, int]:
    with database.reading() as connection:
        [level] = list_levels(connection, sku=sku)[0]
    return level["on_hand"], level["reserved"]


def _outbox_size(database: Database) -> int:
    with database.reading() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(outbox))
                   .scalar_one())


def test_receiving_then_counting_books_the_difference_in_the_ledger(database: Database,
                                                                     ordermill: Run) -> None:
    _shop(database)

    received = ordermill("inventory", "receive", "--sku", "MUG", "--location", "east",
                         "--quantity", "10", "--reference", "PO-1")
    counted = ordermill("inventory", "count", "--sku", "MUG", "--location", "east",
                        "--quantity", "7")

    assert received.exit_code == 0, received.output
    assert "MUG at east: on hand 10, reserved 0" in received.output
    assert counted.exit_code == 0, counted.output
    assert "on hand 7" in counted.output
    assert "difference -3" in counted.output
    with database.reading() as connection:
        ledger = list_ledger(connection, sku="MUG")[0]
        assert ledger_mismatches(connection) == []
    assert [(e["movement"], e["quantity"], e["on_hand_after"]) for e in ledger] == [
        ("count", -3, 7), ("receipt", 10, 10)]
    assert ledger[0]["actor"].startswith("cli:")


def test_adjusting_takes_units_away_with_a_reason(database: Database, ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "CUP", "east", 5)

    adjusted = ordermill("inventory", "adjust", "--sku", "CUP", "--location", "east",
                         "--quantity=-2", "--reason", "damaged")

    assert adjusted.exit_code == 0, adjusted.output
    assert "CUP at east: on hand 3" in adjusted.output
    assert _level(database, "CUP") == (3, 0)


def test_a_bad_sku_exits_1_with_the_error_and_writes_nothing(database: Database,
                                                             ordermill: Run) -> None:
    _shop(database)
    events_before = _outbox_size(database)

    result = ordermill("inventory", "receive", "--sku", "NOPE", "--location", "east",
                       "--quantity", "3")

    assert result.exit_code == 1
    assert "the request has invalid fields" in result.output
    assert "sku: unknown sku 'NOPE'" in result.output
    with database.reading() as connection:
        assert list_ledger(connection)[0] == []
        assert list_levels(connection)[0] == []
    assert _outbox_size(database) == events_before


def test_orders_show_finds_an_order_by_its_number_and_by_its_id(database: Database,
                                                                ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    placed = place_order(builders.uow(database),
                         builders.order_input("web", "A-1", {"MUG": 2}, unit_price=1500))
    number, order_id = placed.order["number"], placed.order["id"]

    by_number = ordermill("orders", "show", number)
    by_id = ordermill("orders", "show", str(order_id))

    assert by_number.exit_code == 0, by_number.output
    assert by_number.output == by_id.output
    assert f"{number} (id {order_id}) from web as A-1" in by_number.output
    assert "status confirmed, payment unpaid, fulfillment allocated" in by_number.output
    assert "2: 2 at east" in by_number.output
    assert "total 30.00 USD" in by_number.output
    assert "order.created" in by_number.output
    assert "order.confirmed" in by_number.output


def test_orders_show_of_an_unknown_order_exits_1(ordermill: Run) -> None:
    result = ordermill("orders", "show", "OM-000999")

    assert result.exit_code == 1
    assert "order OM-000999 not found" in result.output


def test_orders_list_filters_by_status_and_email(database: Database, ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    first = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))
    second = place_order(builders.uow(database),
                         builders.order_input("web", "A-2", {"CUP": 1}, email="bo@example.com"))

    pending = ordermill("orders", "list", "--status", "pending")
    by_email = ordermill("orders", "list", "--email", "ADA@example.com")
    by_sku = ordermill("orders", "list", "--sku", "CUP")

    assert second.order["status"] == "pending"  # CUP has no stock: backordered
    assert second.order["number"] in pending.output
    assert first.order["number"] not in pending.output
    assert first.order["number"] in by_email.output
    assert second.order["number"] not in by_email.output
    assert "1 orders shown" in by_sku.output
    assert second.order["number"] in by_sku.output


def test_cancelling_an_order_releases_its_reservation(database: Database,
                                                      ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 3}))
    assert _level(database, "MUG") == (5, 3)

    result = ordermill("orders", "cancel", placed.order["number"], "--reason", "changed mind")

    assert result.exit_code == 0, result.output
    assert f"{placed.order['number']} is now cancelled" in result.output
    assert _level(database, "MUG") == (5, 0)


def test_cancelling_some_units_of_a_line_releases_just_those(database: Database,
                                                             ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 3}))
    line_id = placed.order["lines"][0]["id"]

    result = ordermill("orders", "cancel", str(placed.order["id"]), "--line", f"{line_id}:2")

    assert result.exit_code == 0, result.output
    assert f"line {line_id} MUG: 2 of 3 cancelled, 1 reserved" in result.output
    assert _level(database, "MUG") == (5, 1)


def test_a_badly_written_line_is_refused_and_changes_nothing(database: Database,
                                                             ordermill: Run) -> None:
    _shop(database)
    builders.stock(database, "MUG", "east", 5)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 3}))

    malformed = ordermill("orders", "cancel", placed.order["number"], "--line", "first:2")
    too_many = ordermill("orders", "cancel", placed.order["number"], "--line",
                         f"{placed.order['lines'][0]['id']}:9")

    assert malformed.exit_code == 2
    assert "expected LINE_ID or LINE_ID:QUANTITY" in malformed.output
    assert too_many.exit_code == 1
    assert "between 1 and the 3 open units of the line" in too_many.output
    with database.reading() as connection:
        assert get_order(connection, placed.order["id"]) == placed.order
    assert _level(database, "MUG") == (5, 3)
