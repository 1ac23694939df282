"""Independent reads of stock and reservations, straight from the tables, for tests that check
the inventory invariants: reserved = open allocations, no order half-reserved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.inventory.domain import Level
from ordermill.inventory.tables import stock_levels
from ordermill.locations.tables import locations
from ordermill.orders.tables import fulfillment_order_lines as allocations
from ordermill.orders.tables import fulfillment_orders as fulfillment_orders_table
from ordermill.orders.tables import order_lines, orders

Place = tuple[str, str]  # (sku, location code)


@dataclass(frozen=True)
class LineState:
    order_id: int
    status: str
    open_units: int
    allocated: int


def levels(connection: Connection) -> dict[Place, Level]:
    rows = connection.execute(
        sa.select(products.c.sku, locations.c.code, stock_levels.c.on_hand,
                  stock_levels.c.reserved, stock_levels.c.safety_stock,
                  stock_levels.c.reorder_point)
        .join(products, products.c.id == stock_levels.c.product_id)
        .join(locations, locations.c.id == stock_levels.c.location_id))
    return {(r.sku, r.code): Level(r.on_hand, r.reserved, r.safety_stock, r.reorder_point)
            for r in rows}


def allocated_units(connection: Connection) -> dict[Place, int]:
    """Stock units held by allocations per place, kits expanded into their components."""
    skus = {row.id: row.sku for row in connection.execute(sa.select(products.c.id,
                                                                    products.c.sku))}
    rows = connection.execute(
        sa.select(allocations.c.quantity, order_lines.c.parts, locations.c.code)
        .join(order_lines, order_lines.c.id == allocations.c.order_line_id)
        .join(locations, locations.c.id == allocations.c.location_id)
        .where(allocations.c.quantity > 0))
    held: dict[Place, int] = defaultdict(int)
    for row in rows:
        for product_id, per_unit in row.parts:
            held[(skus[product_id], row.code)] += row.quantity * per_unit
    return dict(held)


def line_states(connection: Connection) -> list[LineState]:
    allocated = (sa.select(allocations.c.order_line_id,
                           sa.func.sum(allocations.c.quantity).label("units"))
                 .group_by(allocations.c.order_line_id).subquery())
    rows = connection.execute(
        sa.select(orders.c.id, orders.c.status,
                  (order_lines.c.quantity - order_lines.c.cancelled_quantity).label("open"),
                  sa.func.coalesce(allocated.c.units, 0).label("allocated"))
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .outerjoin(allocated, allocated.c.order_line_id == order_lines.c.id)
        .order_by(orders.c.id, order_lines.c.id))
    return [LineState(r.id, r.status, r.open, int(r.allocated)) for r in rows]


def half_reserved_orders(connection: Connection) -> list[int]:
    """Orders whose reservations do not match their status: a confirmed order missing units,
    a pending one with nothing missing, or any line holding more than it still needs."""
    lines_by_order: dict[int, list[LineState]] = defaultdict(list)
    for line in line_states(connection):
        lines_by_order[line.order_id].append(line)
    wrong = []
    for order_id, lines in lines_by_order.items():
        status = lines[0].status
        short = any(line.allocated < line.open_units for line in lines)
        over = any(line.allocated > line.open_units for line in lines)
        if over or (status == "confirmed" and short) or (status == "pending" and not short):
            wrong.append(order_id)
    return wrong


def fulfillment_orders(connection: Connection, order_id: int) -> dict[str, tuple[int, str]]:
    """The order's fulfillment orders: location code -> (id, status)."""
    rows = connection.execute(
        sa.select(fulfillment_orders_table.c.id, fulfillment_orders_table.c.status,
                  locations.c.code)
        .join(locations, locations.c.id == fulfillment_orders_table.c.location_id)
        .where(fulfillment_orders_table.c.order_id == order_id))
    return {r.code: (r.id, r.status) for r in rows}
