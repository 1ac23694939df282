"""Read side of orders: the order page, searches, timelines and a customer's orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.channels.tables import channels
from ordermill.customers.domain import normalise_email
from ordermill.customers.tables import customers
from ordermill.locations.tables import locations
from ordermill.orders import repository
from ordermill.orders.domain import LineCounts, Priority, fulfillment_status, order_number
from ordermill.orders.tables import fulfillment_order_lines as allocations
from ordermill.orders.tables import order_events, order_lines, orders
from ordermill.shared.clock import rfc3339


def assemble_order(order: Mapping[str, Any], lines: Sequence[Mapping[str, Any]],
                   reservations: Mapping[int, list[dict[str, Any]]],
                   holds: Sequence[Mapping[str, Any]], customer: Mapping[str, Any],
                   channel_code: str) -> dict[str, Any]:
    """The order as the API, console and CLI show it; reservations keyed by line id."""
    line_views, counts = [], []
    for line in lines:
        reserved = reservations.get(line["id"], [])
        allocated = sum(r["quantity"] for r in reserved)
        count = LineCounts(line["quantity"], line["cancelled_quantity"], allocated,
                           line["shipped_quantity"])
        counts.append(count)
        line_views.append({
            "id": line["id"], "line_number": line["line_number"], "sku": line["sku"],
            "name": line["name"], "quantity": line["quantity"],
            "cancelled_quantity": line["cancelled_quantity"],
            "shipped_quantity": line["shipped_quantity"], "allocated_quantity": allocated,
            "backordered_quantity": count.backordered, "unit_price": line["unit_price"],
            "discount": line["discount"], "tax": line["tax"], "total": line["total"],
            "reservations": reserved})
    return {
        "id": order["id"], "number": order_number(order["id"]), "channel": channel_code,
        "external_id": order["external_id"], "status": order["status"],
        "payment_status": order["payment_status"],
        "fulfillment_status": fulfillment_status(counts),
        "payment_terms": order["payment_terms"], "currency": order["currency"],
        "customer": {"id": customer["id"], "email": customer["email"],
                     "name": customer["name"], "phone": customer["phone"]},
        "shipping_address": order["shipping_address"],
        "billing_address": order["billing_address"],
        "lines": line_views,
        "totals": {"subtotal": order["subtotal"], "discount": order["discount_total"],
                   "tax": order["tax_total"], "shipping": order["shipping_total"],
                   "total": order["total"]},
        "priority": Priority(order["priority"]).name.lower(),
        "ship_by": rfc3339(order["ship_by"]),
        "notes": order["notes"], "tags": order["tags"],
        "holds": [{"id": h["id"], "reason": h["reason"], "note": h["note"],
                   "placed_by": h["placed_by"], "placed_at": rfc3339(h["placed_at"])}
                  for h in holds],
        "placed_at": rfc3339(order["placed_at"]), "created_at": rfc3339(order["created_at"]),
        "updated_at": rfc3339(order["updated_at"]),
    }


def get_order(connection: Connection, order_id: int,
              channel_id: int | None = None) -> dict[str, Any] | None:
    """One order; with `channel_id`, only if it belongs to that channel."""
    query = (sa.select(orders, channels.c.code.label("channel_code"))
             .join(channels, channels.c.id == orders.c.channel_id)
             .where(orders.c.id == order_id))
    if channel_id is not None:
        query = query.where(orders.c.channel_id == channel_id)
    order = connection.execute(query).mappings().first()
    if order is None:
        return None
    customer = connection.execute(sa.select(customers).where(
        customers.c.id == order["customer_id"])).mappings().one()
    lines = [dict(r._mapping) for r in repository.lines_of(connection, order_id)]
    reservations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in connection.execute(
            sa.select(allocations.c.order_line_id, locations.c.code, allocations.c.quantity,
                      allocations.c.fulfillment_order_id)
            .join(locations, locations.c.id == allocations.c.location_id)
            .where(allocations.c.order_id == order_id, allocations.c.quantity > 0)
            .order_by(allocations.c.id)):
        reservations[row.order_line_id].append({
            "location": row.code, "quantity": row.quantity,
            "fulfillment_order_id": row.fulfillment_order_id})
    holds = [dict(h._mapping) for h in repository.active_holds(connection, order_id)]
    return assemble_order(dict(order), lines, reservations, holds, dict(customer),
                          order["channel_code"])


def order_timeline(connection: Connection, order_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(sa.select(order_events).where(order_events.c.order_id == order_id)
                              .order_by(order_events.c.id))
    return [{"id": r.id, "type": r.type, "detail": r.detail, "actor": r.actor,
             "occurred_at": rfc3339(r.occurred_at)} for r in rows]


def list_orders(connection: Connection, *, status: str | None = None, channel: str | None = None,
                channel_id: int | None = None, email: str | None = None,
                customer_id: int | None = None, sku: str | None = None,
                placed_from: datetime | None = None, placed_to: datetime | None = None,
                number: int | None = None, location_scope: frozenset[int] | None = None,
                before_id: int | None = None, limit: int = 50,
                ) -> tuple[list[dict[str, Any]], int | None]:
    """Order summaries, newest first, for lists and searches."""
    query = (sa.select(orders.c.id, orders.c.external_id, orders.c.status,
                       orders.c.payment_status, orders.c.currency, orders.c.total,
                       orders.c.placed_at, channels.c.code.label("channel"),
                       customers.c.email, customers.c.name.label("customer_name"))
             .join(channels, channels.c.id == orders.c.channel_id)
             .join(customers, customers.c.id == orders.c.customer_id)
             .order_by(orders.c.id.desc()).limit(limit + 1))
    conditions: list[tuple[Any, Callable[[Any], Any]]] = [
        (status, lambda v: orders.c.status == v),
        (channel, lambda v: channels.c.code == v),
        (channel_id, lambda v: orders.c.channel_id == v),
        (email, lambda v: customers.c.email_normalized == normalise_email(v)),
        (customer_id, lambda v: orders.c.customer_id == v),
        # In UTC, as stored: SQLite compares the wall-clock text and would ignore an offset.
        (placed_from, lambda v: orders.c.placed_at >= v),
        (placed_to, lambda v: orders.c.placed_at < v),
        (number, lambda v: orders.c.id == v),
        (before_id, lambda v: orders.c.id < v),
        (sku, lambda v: orders.c.id.in_(sa.select(order_lines.c.order_id)
                                        .where(order_lines.c.sku == v))),
        (location_scope, lambda v: orders.c.id.in_(
            sa.select(allocations.c.order_id).where(allocations.c.location_id.in_(v)))),
    ]
    for value, condition in conditions:
        if value is not None:
            query = query.where(condition(value))
    rows = list(connection.execute(query))
    page = rows[:limit]
    items = [{"id": r.id, "number": order_number(r.id), "channel": r.channel,
              "external_id": r.external_id, "status": r.status,
              "payment_status": r.payment_status, "currency": r.currency, "total": r.total,
              "customer": {"email": r.email, "name": r.customer_name},
              "placed_at": rfc3339(r.placed_at)} for r in page]
    return items, (page[-1].id if len(rows) > limit else None)


def orders_by_status(connection: Connection, *, since: datetime | None = None,
                     location_scope: frozenset[int] | None = None) -> dict[str, int]:
    query = sa.select(orders.c.status, sa.func.count()).group_by(orders.c.status)
    if since is not None:
        query = query.where(orders.c.placed_at >= since)
    if location_scope is not None:
        query = query.where(orders.c.id.in_(
            sa.select(allocations.c.order_id).where(allocations.c.location_id.in_(location_scope))))
    return {status: count for status, count in connection.execute(query)}
