"""Loading and saving orders with their lines, allocations, holds and events.

The inserts every new order makes are raw SQL written once (see db/raw.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.customers import repository as customers
from ordermill.customers.repository import CustomerRows
from ordermill.db import raw
from ordermill.orders.tables import allocations, order_holds, order_lines, orders


def lock_order(connection: Connection, order_id: int) -> Any:
    query = sa.select(orders).where(orders.c.id == order_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def lines_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(order_lines).where(order_lines.c.order_id == order_id)
                                   .order_by(order_lines.c.line_number)))


def allocations_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(
        sa.select(allocations).where(allocations.c.order_id == order_id,
                                     allocations.c.quantity > 0)
        .order_by(allocations.c.id)))


def reduce_allocation(connection: Connection, allocation_id: int, units: int) -> None:
    connection.execute(allocations.update().where(allocations.c.id == allocation_id)
                       .values(quantity=allocations.c.quantity - units))


def add_cancelled(connection: Connection, line_id: int, units: int) -> None:
    connection.execute(order_lines.update().where(order_lines.c.id == line_id)
                       .values(cancelled_quantity=order_lines.c.cancelled_quantity + units))


def update_order(connection: Connection, order_id: int, values: dict[str, Any]) -> None:
    connection.execute(orders.update().where(orders.c.id == order_id).values(**values))


def active_holds(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(order_holds).where(
        order_holds.c.order_id == order_id, order_holds.c.released_at.is_(None))
        .order_by(order_holds.c.id)))


def insert_hold(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(order_holds.insert().values(**values)
                                  .returning(order_holds.c.id)).scalar_one())


def release_hold(connection: Connection, hold_id: int, actor: str, now: datetime) -> None:
    connection.execute(order_holds.update().where(order_holds.c.id == hold_id)
                       .values(released_by=actor, released_at=now))


ORDER_COLUMNS = ("channel_id", "external_id", "customer_id", "currency", "status",
                 "status_before_hold", "payment_status", "payment_terms", "shipping_address",
                 "billing_address", "subtotal", "discount_total", "tax_total",
                 "shipping_total", "total", "notes", "tags", "placed_at", "created_at",
                 "updated_at")
_ORDER = raw.RawRows(f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES",
                     f"({', '.join(':' + c for c in ORDER_COLUMNS)})", "RETURNING id")
LINE_COLUMNS = ("order_id", "line_number", "product_id", "sku", "name", "parts", "quantity",
                "cancelled_quantity", "shipped_quantity", "unit_price", "discount", "tax",
                "total")
_LINES = raw.RawRows(f"INSERT INTO order_lines ({', '.join(LINE_COLUMNS)}) VALUES",
                     f"({', '.join(':' + c for c in LINE_COLUMNS)})",
                     "RETURNING id, line_number")
_ALLOCATIONS = raw.RawRows(
    "INSERT INTO allocations (order_id, order_line_id, location_id, quantity) VALUES",
    "(:order_id, :order_line_id, :location_id, :quantity)")
_EVENTS = raw.RawRows(
    "INSERT INTO order_events (order_id, type, detail, actor, occurred_at) VALUES",
    "(:order_id, :type, :detail, :actor, :occurred_at)")
# On PostgreSQL every row of a new order goes in one statement and round trip: the later
# parts take the order's id, and each allocation its line's id, from the parts before them.
_ORDER_ID = "(SELECT id FROM new_order)"
_NEW_ORDER = raw.RawChain({
    **customers.CUSTOMER_PARTS,
    "new_order": _ORDER.linked(customer_id=customers.CUSTOMER_ID),
    "new_lines": _LINES.linked(order_id=_ORDER_ID),
    "allocated": _ALLOCATIONS.linked(
        order_id=_ORDER_ID,
        order_line_id="(SELECT id FROM new_lines WHERE line_number = :line_number)"),
    "events": _EVENTS.linked(order_id=_ORDER_ID),
}, result=f"SELECT {_ORDER_ID}, {customers.CUSTOMER_ID}, id, line_number FROM new_lines")


@dataclass(frozen=True)
class NewOrder:
    id: int
    customer_id: int


def insert_order(connection: Connection, values: dict[str, Any]) -> int:
    [(order_id,)] = raw.run_rows(connection, _ORDER, [values])
    return int(order_id)


def insert_lines(connection: Connection, lines: list[dict[str, Any]]) -> None:
    """Insert the lines and set each one's new id on it."""
    ids = {number: id_ for id_, number in raw.run_rows(connection, _LINES, lines)}
    for line in lines:
        line["id"] = ids[line["line_number"]]


def insert_allocations(connection: Connection, rows: list[dict[str, Any]]) -> None:
    raw.run_rows(connection, _ALLOCATIONS, rows)


def append_events(connection: Connection, order_id: int, actor: str, now: datetime,
                  events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    raw.run_rows(connection, _EVENTS, [{**row, "order_id": order_id}
                                       for row in _event_rows(actor, now, events)])


def insert_new_order(connection: Connection, customer: CustomerRows, values: dict[str, Any],
                     lines: list[dict[str, Any]], allocations: Sequence[dict[str, Any]],
                     actor: str, events: Sequence[tuple[str, dict[str, Any]]],
                     events_at: datetime | None = None) -> raw.Later[NewOrder]:
    """The customer upserted, then their new order with its lines, their allocations (each
    naming its line by line_number) and its first timeline events, dated `events_at` or when
    the order was created. On PostgreSQL all of it is one statement, sent inside
    `raw.pipeline` with what follows; reading the answer sets each line's id and order_id."""
    events_at = events_at or values["created_at"]
    if connection.dialect.name == "postgresql":
        sent = raw.send_chain(connection, _NEW_ORDER, [
            [customer.customer], customer.addresses, [values], lines, allocations,
            _event_rows(actor, events_at, events)])
        return sent.then(lambda rows: _inserted(rows, lines))
    customer_id = customers.remember_customer(connection, customer)
    order_id = insert_order(connection, {**values, "customer_id": customer_id})
    for line in lines:
        line["order_id"] = order_id
    insert_lines(connection, lines)
    line_ids = {line["line_number"]: line["id"] for line in lines}
    insert_allocations(connection, [
        {"order_id": order_id, "order_line_id": line_ids[row["line_number"]],
         "location_id": row["location_id"], "quantity": row["quantity"]}
        for row in allocations])
    append_events(connection, order_id, actor, events_at, events)
    inserted = NewOrder(order_id, customer_id)
    return raw.Later(lambda: inserted)


def _inserted(rows: list[tuple[Any, ...]], lines: list[dict[str, Any]]) -> NewOrder:
    order_id, customer_id = int(rows[0][0]), int(rows[0][1])
    ids = {number: id_ for _, _, id_, number in rows}
    for line in lines:
        line.update(id=ids[line["line_number"]], order_id=order_id)
    return NewOrder(order_id, customer_id)


def _event_rows(actor: str, now: datetime,
                events: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"type": kind, "detail": detail, "actor": actor, "occurred_at": now}
            for kind, detail in events]
