"""Reactions to stock events: fill backordered order lines when stock becomes available.

Idempotent: it reserves only what is still backordered, against the stock there is now, so a
repeated delivery finds nothing left to do.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog import repository as catalog
from ordermill.catalog.domain import kit_units_available
from ordermill.channels.tables import channel_locations
from ordermill.db import outbox
from ordermill.inventory import repository as inventory
from ordermill.inventory.domain import Level
from ordermill.inventory.service import StockPlace, publish_stock_change
from ordermill.locations import repository as locations
from ordermill.orders import repository
from ordermill.orders.domain import ORDER_TRANSITIONS, FulfillmentStatus, OrderStatus, ship_by
from ordermill.orders.intake import fulfillment_order_created
from ordermill.orders.tables import fulfillment_order_lines as allocations
from ordermill.orders.tables import order_lines, orders
from ordermill.routing import repository as routing
from ordermill.routing.places import day_in
from ordermill.shared.clock import utcnow
from ordermill.shared.events import Event, EventBatch

ACTOR = "system:backorders"


def allocate_backorders(connection: Connection, _event_id: int, payload: dict[str, Any]) -> None:
    """On `inventory.changed` with units available: oldest backordered lines first."""
    if payload["available"] <= 0:
        return
    product = catalog.product_by_sku(connection, payload["sku"])
    location = locations.location_by_code(connection, payload["location"])
    if product is None or location is None or not (location.active and location.ships):
        return
    kits = catalog.products_by_sku(connection, catalog.kit_skus_containing(connection, product.id))
    sellers = [product.id, *(kit.id for kit in kits.values())]
    candidates = _backordered_lines(connection, sellers, location.id)
    if not candidates:
        return
    # Order rows before stock rows, in id order, as cancel_order takes them, so the two never
    # deadlock; reading the lines again under those locks sees any cancellation that won.
    locked = sorted({line.order_id for line in candidates})
    for order_id in locked:
        repository.lock_order(connection, order_id)
    candidates = [line for line in _backordered_lines(connection, sellers, location.id)
                  if line.order_id in locked and _may_serve(connection, location, line)]
    batch = EventBatch()
    skus = catalog.skus_by_id(connection, {p for line in candidates for p, _ in line.parts})
    touched: set[int] = set()
    for line in candidates:
        if _allocate_line(connection, batch, line, location, skus):
            touched.add(line.order_id)
    for order_id in sorted(touched):
        _confirm_if_complete(connection, batch, order_id)
    outbox.append(connection, batch.events)


def _backordered_lines(connection: Connection, product_ids: list[int],
                       location_id: int) -> list[Any]:
    allocated = (sa.select(allocations.c.order_line_id,
                           sa.func.sum(allocations.c.quantity).label("units"))
                 .group_by(allocations.c.order_line_id).subquery())
    open_units = (order_lines.c.quantity - order_lines.c.cancelled_quantity
                  - order_lines.c.shipped_quantity)
    query = (sa.select(order_lines.c.id, order_lines.c.order_id, order_lines.c.parts,
                       order_lines.c.sku, orders.c.priority, orders.c.ship_by,
                       orders.c.shipping_address,
                       (open_units - sa.func.coalesce(allocated.c.units, 0)).label("short"))
             .join(orders, orders.c.id == order_lines.c.order_id)
             .outerjoin(allocated, allocated.c.order_line_id == order_lines.c.id)
             .join(channel_locations, sa.and_(channel_locations.c.channel_id == orders.c.channel_id,
                                              channel_locations.c.location_id == location_id))
             .where(orders.c.status == OrderStatus.PENDING,
                    order_lines.c.product_id.in_(product_ids),
                    open_units > sa.func.coalesce(allocated.c.units, 0))
             .order_by(orders.c.placed_at, orders.c.id, order_lines.c.line_number))
    return list(connection.execute(query))


def _may_serve(connection: Connection, location: Any, line: Any) -> bool:
    """The routing filters that stock arriving cannot change: the location ships to the
    buyer's country and never gave this order back."""
    country = (line.shipping_address or {}).get("country")
    if location.ships_to is not None and country not in location.ships_to:
        return False
    return location.id not in repository.locations_that_gave_back(connection, line.order_id)


def _allocate_line(connection: Connection, batch: EventBatch, line: Any, location: Any,
                   skus: dict[int, str]) -> bool:
    parts = {product_id: per_unit for product_id, per_unit in line.parts}
    rows = {r.product_id: r for r in inventory.levels_for(connection, parts, [location.id])}
    free = {p: rows[p].level.available for p in parts if p in rows}
    units = min(line.short, kit_units_available(parts, free))
    if units <= 0 or not _has_room(connection, line, location):
        return False
    demands = sorted((rows[p].id, p, units * per_unit) for p, per_unit in parts.items())
    after = inventory.reserve(connection, [(level_id, q) for level_id, _, q in demands])
    if after is None:
        return False
    for (_, product_id, quantity), level in zip(demands, after, strict=True):
        before = Level(level.on_hand, level.reserved - quantity, level.safety_stock,
                       level.reorder_point)
        publish_stock_change(batch, StockPlace(product_id, skus[product_id], location.id,
                                               location.code), before, level)
    fulfillment_order_id = _open_fulfillment_order(connection, batch, line, location, units)
    repository.insert_fulfillment_order_lines(connection, [{
        "fulfillment_order_id": fulfillment_order_id, "order_id": line.order_id,
        "order_line_id": line.id, "location_id": location.id, "quantity": units}])
    repository.append_events(connection, line.order_id, ACTOR, utcnow(), [(
        "order.backorder_allocated", {"line_id": line.id, "location": location.code,
                                      "quantity": units})])
    return True


def _has_room(connection: Connection, line: Any, location: Any) -> bool:
    """A new fulfillment order at a location with a daily limit takes one of today's places;
    adding to the order's open one there takes none."""
    if location.daily_order_limit is None or _open_at(connection, line, location) is not None:
        return True
    return routing.claim_capacity(connection, location.id,
                                  day_in(location.timezone, utcnow()), location.daily_order_limit)


def _open_at(connection: Connection, line: Any, location: Any) -> int | None:
    for row in repository.fulfillment_orders_of(connection, line.order_id):
        if row.location_id == location.id and row.status == FulfillmentStatus.OPEN:
            return int(row.id)
    return None


def _open_fulfillment_order(connection: Connection, batch: EventBatch, line: Any,
                            location: Any, units: int) -> int:
    """The order's fulfillment order at the location that picking has not started on, or a
    new one, announced to the location's team."""
    existing = _open_at(connection, line, location)
    if existing is not None:
        return existing
    now = utcnow()
    values = {"order_id": line.order_id, "location_id": location.id,
              "status": str(FulfillmentStatus.OPEN), "status_before_hold": None,
              "priority": line.priority,
              "ship_by": line.ship_by or ship_by(now, location.cutoff_time, location.timezone),
              "created_at": now, "updated_at": now}
    [fulfillment_order_id] = repository.insert_fulfillment_orders(connection,
                                                                  [values]).values()
    batch.publish(fulfillment_order_created(fulfillment_order_id, line.order_id,
                                            location.code, values, [(line.sku, units)]))
    return fulfillment_order_id


def _confirm_if_complete(connection: Connection, batch: EventBatch, order_id: int) -> None:
    order = repository.lock_order(connection, order_id)
    allocated: dict[int, int] = {}
    for allocation in repository.order_lines_held(connection, order_id):
        allocated[allocation.order_line_id] = (allocated.get(allocation.order_line_id, 0)
                                               + allocation.quantity)
    lines = repository.lines_of(connection, order_id)
    if any(line.quantity - line.cancelled_quantity - line.shipped_quantity
           > allocated.get(line.id, 0)
           for line in lines):
        return
    status = ORDER_TRANSITIONS.apply("confirm", order.status)
    now = utcnow()
    repository.update_order(connection, order_id, {"status": status, "updated_at": now})
    repository.append_events(connection, order_id, ACTOR, now, [("order.confirmed", {})])
    batch.publish(Event("order.confirmed", {"order_id": order_id}))
