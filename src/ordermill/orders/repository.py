"""Loading and saving orders with their lines, holds, events and fulfillment orders.

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
from ordermill.orders.tables import (
    fulfillment_order_lines,
    fulfillment_orders,
    order_holds,
    order_lines,
    orders,
)
from ordermill.routing import repository as routing


def lock_order(connection: Connection, order_id: int) -> Any:
    query = sa.select(orders).where(orders.c.id == order_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def order_row(connection: Connection, order_id: int) -> Any:
    return connection.execute(sa.select(orders).where(orders.c.id == order_id)).first()


def lines_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(order_lines).where(order_lines.c.order_id == order_id)
                                   .order_by(order_lines.c.line_number)))


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


FULFILLMENT_ORDER_COLUMNS = ("order_id", "location_id", "status", "status_before_hold",
                             "priority", "ship_by", "created_at", "updated_at")
FULFILLMENT_ORDERS = raw.RawRows(
    f"INSERT INTO fulfillment_orders ({', '.join(FULFILLMENT_ORDER_COLUMNS)}) VALUES",
    f"({', '.join(':' + c for c in FULFILLMENT_ORDER_COLUMNS)})", "RETURNING id, location_id")
FULFILLMENT_ORDER_LINES = raw.RawRows(
    "INSERT INTO fulfillment_order_lines (fulfillment_order_id, order_id, order_line_id, "
    "location_id, quantity) VALUES",
    "(:fulfillment_order_id, :order_id, :order_line_id, :location_id, :quantity)")
# In a chain that inserts an order's fulfillment orders as `new_fulfillment_orders`, a line
# finds its fulfillment order by location.
FULFILLMENT_ORDER_OF_LINE = ("(SELECT id FROM new_fulfillment_orders "
                             "WHERE location_id = :location_id)")


def insert_fulfillment_orders(connection: Connection,
                              rows: Sequence[dict[str, Any]]) -> dict[int, int]:
    """New fulfillment orders; their ids by location."""
    return {int(location_id): int(id_)
            for id_, location_id in raw.run_rows(connection, FULFILLMENT_ORDERS, rows)}


def insert_fulfillment_order_lines(connection: Connection,
                                   rows: Sequence[dict[str, Any]]) -> None:
    raw.run_rows(connection, FULFILLMENT_ORDER_LINES, rows)


def lock_fulfillment_order(connection: Connection, fulfillment_order_id: int) -> Any:
    query = sa.select(fulfillment_orders).where(fulfillment_orders.c.id == fulfillment_order_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def fulfillment_order(connection: Connection, fulfillment_order_id: int) -> Any:
    return connection.execute(sa.select(fulfillment_orders).where(
        fulfillment_orders.c.id == fulfillment_order_id)).first()


def fulfillment_orders_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(fulfillment_orders).where(
        fulfillment_orders.c.order_id == order_id).order_by(fulfillment_orders.c.id)))


def update_fulfillment_orders(connection: Connection, ids: Sequence[int],
                              values: dict[str, Any]) -> None:
    if ids:
        connection.execute(fulfillment_orders.update()
                           .where(fulfillment_orders.c.id.in_(ids)).values(**values))


def fulfillment_order_lines_of(connection: Connection, fulfillment_order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(fulfillment_order_lines).where(
        fulfillment_order_lines.c.fulfillment_order_id == fulfillment_order_id)
        .order_by(fulfillment_order_lines.c.id)))


def order_lines_held(connection: Connection, order_id: int) -> list[Any]:
    """The order's fulfillment order lines that still hold units, oldest first."""
    return list(connection.execute(sa.select(fulfillment_order_lines).where(
        fulfillment_order_lines.c.order_id == order_id, fulfillment_order_lines.c.quantity > 0)
        .order_by(fulfillment_order_lines.c.id)))


def change_fulfillment_order_line(connection: Connection, line_id: int, **deltas: int) -> None:
    """Move units between a line's counters, e.g. quantity=-2, rejected_quantity=2. Units
    leaving the line leave its picked and packed counts too, where those were higher."""
    column = fulfillment_order_lines.c
    values: dict[str, Any] = {name: column[name] + delta for name, delta in deltas.items()}
    if deltas.get("quantity", 0) < 0:
        left = column.quantity + deltas["quantity"]
        for counter in ("picked_quantity", "packed_quantity"):
            values.setdefault(counter, sa.case((column[counter] > left, left),
                                               else_=column[counter]))
    connection.execute(fulfillment_order_lines.update().where(column.id == line_id)
                       .values(values))


def locations_that_gave_back(connection: Connection, order_id: int) -> set[int]:
    """Locations that rejected this order or reported its units short: never asked again."""
    line = fulfillment_order_lines.c
    return {row.location_id for row in connection.execute(
        sa.select(fulfillment_orders.c.location_id)
        .join(fulfillment_order_lines, line.fulfillment_order_id == fulfillment_orders.c.id)
        .where(fulfillment_orders.c.order_id == order_id,
               sa.or_(line.rejected_quantity > 0, line.short_quantity > 0)))}


def emptied(connection: Connection, fulfillment_order_ids: Sequence[int]) -> list[int]:
    """Those of these fulfillment orders none of whose lines holds a unit any more."""
    if not fulfillment_order_ids:
        return []
    held = (sa.select(fulfillment_order_lines.c.fulfillment_order_id)
            .where(fulfillment_order_lines.c.quantity > 0))
    return [row.id for row in connection.execute(
        sa.select(fulfillment_orders.c.id).where(
            fulfillment_orders.c.id.in_(fulfillment_order_ids),
            fulfillment_orders.c.id.not_in(held)).order_by(fulfillment_orders.c.id))]


ORDER_COLUMNS = ("channel_id", "external_id", "customer_id", "currency", "status",
                 "status_before_hold", "payment_status", "payment_terms", "shipping_address",
                 "billing_address", "subtotal", "discount_total", "tax_total",
                 "shipping_total", "total", "priority", "ship_by", "notes", "tags", "placed_at",
                 "created_at", "updated_at")
_ORDER = raw.RawRows(f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES",
                     f"({', '.join(':' + c for c in ORDER_COLUMNS)})", "RETURNING id")
LINE_COLUMNS = ("order_id", "line_number", "product_id", "sku", "name", "parts", "quantity",
                "cancelled_quantity", "shipped_quantity", "unit_price", "discount", "tax",
                "total")
_LINES = raw.RawRows(f"INSERT INTO order_lines ({', '.join(LINE_COLUMNS)}) VALUES",
                     f"({', '.join(':' + c for c in LINE_COLUMNS)})",
                     "RETURNING id, line_number")
_EVENTS = raw.RawRows(
    "INSERT INTO order_events (order_id, type, detail, actor, occurred_at) VALUES",
    "(:order_id, :type, :detail, :actor, :occurred_at)")
# On PostgreSQL every row of a new order goes in one statement and round trip: the later
# parts take the order's id, and each fulfillment order line its line's and its fulfillment
# order's ids, from the parts before them.
_ORDER_ID = "(SELECT id FROM new_order)"
_NEW_ORDER = raw.RawChain({
    **customers.CUSTOMER_PARTS,
    "new_order": _ORDER.linked(customer_id=customers.CUSTOMER_ID),
    "new_lines": _LINES.linked(order_id=_ORDER_ID),
    "new_fulfillment_orders": FULFILLMENT_ORDERS.linked(order_id=_ORDER_ID),
    "allocated": FULFILLMENT_ORDER_LINES.linked(
        order_id=_ORDER_ID, fulfillment_order_id=FULFILLMENT_ORDER_OF_LINE,
        order_line_id="(SELECT id FROM new_lines WHERE line_number = :line_number)"),
    "events": _EVENTS.linked(order_id=_ORDER_ID),
    "routing_decisions": routing.DECISIONS.linked(order_id=_ORDER_ID),
}, result=lambda present: " UNION ALL ".join(
    f"SELECT {_ORDER_ID}, {customers.CUSTOMER_ID}, '{kind}', id, {number} FROM {part}"
    for kind, part, number in (("line", "new_lines", "line_number"),
                               ("fulfillment_order", "new_fulfillment_orders", "location_id"))
    if part in present))


@dataclass(frozen=True)
class NewOrder:
    id: int
    customer_id: int
    fulfillment_order_ids: dict[int, int]  # location id -> its new fulfillment order


def insert_order(connection: Connection, values: dict[str, Any]) -> int:
    [(order_id,)] = raw.run_rows(connection, _ORDER, [values])
    return int(order_id)


def insert_lines(connection: Connection, lines: list[dict[str, Any]]) -> None:
    """Insert the lines and set each one's new id on it."""
    ids = {number: id_ for id_, number in raw.run_rows(connection, _LINES, lines)}
    for line in lines:
        line["id"] = ids[line["line_number"]]


def append_events(connection: Connection, order_id: int, actor: str, now: datetime,
                  events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    raw.run_rows(connection, _EVENTS, [{**row, "order_id": order_id}
                                       for row in _event_rows(actor, now, events)])


def insert_new_order(connection: Connection, customer: CustomerRows, values: dict[str, Any],
                     lines: list[dict[str, Any]], fulfillment_orders: Sequence[dict[str, Any]],
                     allocations: Sequence[dict[str, Any]],
                     decisions: Sequence[dict[str, Any]], actor: str,
                     events: Sequence[tuple[str, dict[str, Any]]],
                     events_at: datetime | None = None) -> raw.Later[NewOrder]:
    """The customer upserted, then their new order with its lines, its fulfillment orders
    (one per location), their lines (each naming its order line by line_number and its
    fulfillment order by location_id), its first timeline events, dated `events_at` or
    when the order was created, and the routing decisions that placed it. On PostgreSQL all
    of it is one statement, sent inside `raw.pipeline` with what follows; reading the answer
    sets each line's id and order_id."""
    events_at = events_at or values["created_at"]
    if connection.dialect.name == "postgresql":
        sent = raw.send_chain(connection, _NEW_ORDER, [
            [customer.customer], customer.addresses, [values], lines, fulfillment_orders,
            allocations, _event_rows(actor, events_at, events), decisions])
        return sent.then(lambda rows: _inserted(rows, lines))
    customer_id = customers.remember_customer(connection, customer)
    order_id = insert_order(connection, {**values, "customer_id": customer_id})
    for line in lines:
        line["order_id"] = order_id
    insert_lines(connection, lines)
    line_ids = {line["line_number"]: line["id"] for line in lines}
    by_location = insert_fulfillment_orders(connection, [
        {**row, "order_id": order_id} for row in fulfillment_orders])
    insert_fulfillment_order_lines(connection, [
        {"fulfillment_order_id": by_location[row["location_id"]], "order_id": order_id,
         "order_line_id": line_ids[row["line_number"]], "location_id": row["location_id"],
         "quantity": row["quantity"]} for row in allocations])
    append_events(connection, order_id, actor, events_at, events)
    routing.insert_decisions(connection, [{**row, "order_id": order_id} for row in decisions])
    inserted = NewOrder(order_id, customer_id, by_location)
    return raw.Later(lambda: inserted)


def _inserted(rows: list[tuple[Any, ...]], lines: list[dict[str, Any]]) -> NewOrder:
    order_id, customer_id = int(rows[0][0]), int(rows[0][1])
    ids = {number: id_ for _, _, kind, id_, number in rows if kind == "line"}
    for line in lines:
        line.update(id=ids[line["line_number"]], order_id=order_id)
    return NewOrder(order_id, customer_id, {
        int(location_id): int(id_) for _, _, kind, id_, location_id in rows
        if kind == "fulfillment_order"})


def _event_rows(actor: str, now: datetime,
                events: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"type": kind, "detail": detail, "actor": actor, "occurred_at": now}
            for kind, detail in events]
