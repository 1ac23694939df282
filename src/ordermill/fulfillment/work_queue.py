"""Read side of fulfillment orders: each location's work queue, most urgent first, one
fulfillment order with its lines as the warehouse sees it, and a location's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.db.metadata import UtcDateTime
from ordermill.locations.tables import locations
from ordermill.orders.domain import OPEN_FULFILLMENT, FulfillmentStatus, Priority, order_number
from ordermill.orders.tables import fulfillment_order_lines, fulfillment_orders, order_lines, orders
from ordermill.routing.domain import PastFulfillment
from ordermill.shared.clock import rfc3339, utcnow

# Where no ship-by was promised the order waits behind every promised one.
_NO_PROMISE = datetime(9999, 1, 1, tzinfo=UTC)
_fo = fulfillment_orders


@dataclass(frozen=True)
class QueuePosition:
    """Where a page of the queue ended: the last row's sort key."""

    priority: int
    ship_by: datetime
    id: int


def _summary(row: Any, now: datetime) -> dict[str, Any]:
    return {
        "id": row.id, "order_id": row.order_id, "order_number": order_number(row.order_id),
        "location": row.location, "status": row.status,
        "priority": Priority(row.priority).name.lower(), "ship_by": rfc3339(row.ship_by),
        "late": bool(row.ship_by is not None and row.ship_by < now
                     and row.status in OPEN_FULFILLMENT),
        "units": int(row.units or 0), "rejection_reason": row.rejection_reason,
        "created_at": rfc3339(row.created_at), "updated_at": rfc3339(row.updated_at),
    }


def _rows() -> sa.Select[Any]:
    units = (sa.select(sa.func.sum(fulfillment_order_lines.c.quantity))
             .where(fulfillment_order_lines.c.fulfillment_order_id == _fo.c.id)
             .scalar_subquery())
    return (sa.select(_fo, locations.c.code.label("location"), units.label("units"))
            .join(locations, locations.c.id == _fo.c.location_id))


def list_fulfillment_orders(
        connection: Connection, *, location: str | None = None,
        statuses: Sequence[str] | None = None, order_id: int | None = None,
        location_scope: frozenset[int] | None = None, after: QueuePosition | None = None,
        limit: int = 50) -> tuple[list[dict[str, Any]], QueuePosition | None]:
    """Fulfillment orders, most urgent first: priority, then the earliest ship-by, then age.
    Without `statuses`, the ones a location still owes work on."""
    ship_by = sa.func.coalesce(_fo.c.ship_by, sa.literal(_NO_PROMISE, UtcDateTime()),
                               type_=UtcDateTime())
    query = (_rows().where(_fo.c.status.in_(list(statuses or OPEN_FULFILLMENT)))
             .order_by(_fo.c.priority, ship_by, _fo.c.id).limit(limit + 1))
    if location is not None:
        query = query.where(locations.c.code == location)
    if order_id is not None:
        query = query.where(_fo.c.order_id == order_id)
    if location_scope is not None:
        query = query.where(_fo.c.location_id.in_(location_scope))
    if after is not None:
        query = query.where(sa.tuple_(_fo.c.priority, ship_by, _fo.c.id)
                            > sa.tuple_(sa.literal(after.priority),
                                        sa.literal(after.ship_by, UtcDateTime()),
                                        sa.literal(after.id)))
    rows = list(connection.execute(query))
    now, page = utcnow(), rows[:limit]
    last = page[-1] if len(rows) > limit else None
    position = None if last is None else QueuePosition(
        last.priority, last.ship_by or _NO_PROMISE, last.id)
    return [_summary(row, now) for row in page], position


def get_fulfillment_order(connection: Connection, fulfillment_order_id: int,
                          location_scope: frozenset[int] | None = None) -> dict[str, Any] | None:
    """One fulfillment order with its lines and where it goes."""
    query = _rows().where(_fo.c.id == fulfillment_order_id)
    if location_scope is not None:
        query = query.where(_fo.c.location_id.in_(location_scope))
    row = connection.execute(query).first()
    if row is None:
        return None
    order = connection.execute(sa.select(orders.c.shipping_address, orders.c.notes).where(
        orders.c.id == row.order_id)).one()
    return {**_summary(row, utcnow()), "ship_to": order.shipping_address,
            "notes": order.notes, "lines": fulfillment_order_line_views(connection, row.id)}


def fulfillment_order_line_views(connection: Connection,
                                 fulfillment_order_id: int) -> list[dict[str, Any]]:
    line = fulfillment_order_lines.c
    rows = connection.execute(
        sa.select(line.id, line.order_line_id, order_lines.c.sku, order_lines.c.name,
                  products.c.gtin, line.quantity, line.picked_quantity, line.packed_quantity,
                  line.short_quantity, line.rejected_quantity)
        .join(order_lines, order_lines.c.id == line.order_line_id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(line.fulfillment_order_id == fulfillment_order_id).order_by(line.id))
    return [{"id": r.id, "order_line_id": r.order_line_id, "sku": r.sku, "name": r.name,
             "gtin": r.gtin, "quantity": r.quantity, "picked_quantity": r.picked_quantity,
             "packed_quantity": r.packed_quantity, "short_quantity": r.short_quantity,
             "rejected_quantity": r.rejected_quantity} for r in rows]


def location_history(connection: Connection, location_id: int,
                     since: datetime) -> list[PastFulfillment]:
    """The location's fulfillment orders since `since`, as its record counts them; cancelled
    ones say nothing about the location."""
    line = fulfillment_order_lines.c
    given_back = (sa.select(sa.func.count()).where(
        line.fulfillment_order_id == _fo.c.id,
        sa.or_(line.short_quantity > 0, line.rejected_quantity > 0)).scalar_subquery())
    rows = connection.execute(
        sa.select(_fo.c.created_at, _fo.c.ship_by, _fo.c.shipped_at, _fo.c.status,
                  given_back.label("given_back"))
        .where(_fo.c.location_id == location_id, _fo.c.created_at >= since,
               _fo.c.status != FulfillmentStatus.CANCELLED))
    return [PastFulfillment(row.created_at, row.ship_by, row.shipped_at,
                            row.status == FulfillmentStatus.REJECTED or row.given_back > 0)
            for row in rows]
