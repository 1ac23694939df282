"""Read side of inventory: levels by sku and location, the ledger, low-stock alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.inventory.domain import available
from ordermill.inventory.tables import low_stock_alerts, stock_ledger, stock_levels
from ordermill.locations.tables import locations
from ordermill.shared.clock import rfc3339

_AVAILABLE = (stock_levels.c.on_hand - stock_levels.c.reserved - stock_levels.c.safety_stock)


def _level_view(row: Any) -> dict[str, Any]:
    return {"sku": row.sku, "name": row.name, "location": row.location,
            "on_hand": row.on_hand, "reserved": row.reserved,
            "safety_stock": row.safety_stock, "reorder_point": row.reorder_point,
            "available": available(row.on_hand, row.reserved, row.safety_stock),
            "low": available(row.on_hand, row.reserved, row.safety_stock) <= row.reorder_point,
            "updated_at": rfc3339(row.updated_at)}


def list_levels(connection: Connection, *, sku: str | None = None, location: str | None = None,
                low_only: bool = False, location_scope: frozenset[int] | None = None,
                after_id: int | None = None, limit: int = 50,
                ) -> tuple[list[dict[str, Any]], int | None]:
    query = (sa.select(stock_levels.c.id, products.c.sku, products.c.name,
                       locations.c.code.label("location"), stock_levels.c.on_hand,
                       stock_levels.c.reserved, stock_levels.c.safety_stock,
                       stock_levels.c.reorder_point, stock_levels.c.updated_at)
             .join(products, products.c.id == stock_levels.c.product_id)
             .join(locations, locations.c.id == stock_levels.c.location_id)
             .order_by(stock_levels.c.id).limit(limit + 1))
    if sku is not None:
        query = query.where(products.c.sku == sku)
    if location is not None:
        query = query.where(locations.c.code == location)
    if location_scope is not None:
        query = query.where(stock_levels.c.location_id.in_(location_scope))
    if low_only:
        query = query.where(sa.case((_AVAILABLE < 0, 0), else_=_AVAILABLE)
                            <= stock_levels.c.reorder_point)
    if after_id is not None:
        query = query.where(stock_levels.c.id > after_id)
    rows = list(connection.execute(query))
    page = rows[:limit]
    return [_level_view(r) for r in page], (page[-1].id if len(rows) > limit else None)


def low_stock_count(connection: Connection, location_scope: frozenset[int] | None = None) -> int:
    query = (sa.select(sa.func.count()).select_from(stock_levels)
             .where(sa.case((_AVAILABLE < 0, 0), else_=_AVAILABLE)
                    <= stock_levels.c.reorder_point))
    if location_scope is not None:
        query = query.where(stock_levels.c.location_id.in_(location_scope))
    return int(connection.execute(query).scalar_one())


def list_ledger(connection: Connection, *, sku: str | None = None, location: str | None = None,
                since: datetime | None = None, until: datetime | None = None,
                location_scope: frozenset[int] | None = None, before_id: int | None = None,
                limit: int = 50) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first; the cursor walks back in time."""
    query = (sa.select(stock_ledger, products.c.sku, locations.c.code.label("location"))
             .join(products, products.c.id == stock_ledger.c.product_id)
             .join(locations, locations.c.id == stock_ledger.c.location_id)
             .order_by(stock_ledger.c.id.desc()).limit(limit + 1))
    if sku is not None:
        query = query.where(products.c.sku == sku)
    if location is not None:
        query = query.where(locations.c.code == location)
    # In UTC, as stored: SQLite compares the wall-clock text and would ignore an offset.
    if since is not None:
        query = query.where(stock_ledger.c.occurred_at >= since)
    if until is not None:
        query = query.where(stock_ledger.c.occurred_at < until)
    if location_scope is not None:
        query = query.where(stock_ledger.c.location_id.in_(location_scope))
    if before_id is not None:
        query = query.where(stock_ledger.c.id < before_id)
    rows = list(connection.execute(query))
    page = rows[:limit]
    items = [{"id": r.id, "sku": r.sku, "location": r.location, "movement": r.movement,
              "quantity": r.quantity, "on_hand_after": r.on_hand_after, "reason": r.reason,
              "actor": r.actor,
              "reference": ({"type": r.reference_type, "id": r.reference_id}
                            if r.reference_type else None),
              "occurred_at": rfc3339(r.occurred_at)} for r in page]
    return items, (page[-1].id if len(rows) > limit else None)


def ledger_mismatches(connection: Connection) -> list[tuple[str, str, int, int]]:
    """Stock rows whose on-hand differs from the sum of their ledger; empty when all is well."""
    sums = (sa.select(stock_ledger.c.product_id, stock_ledger.c.location_id,
                      sa.func.sum(stock_ledger.c.quantity).label("total"))
            .group_by(stock_ledger.c.product_id, stock_ledger.c.location_id).subquery())
    query = (sa.select(products.c.sku, locations.c.code, stock_levels.c.on_hand,
                       sa.func.coalesce(sums.c.total, 0).label("total"))
             .select_from(stock_levels.outerjoin(
                 sums, sa.and_(sums.c.product_id == stock_levels.c.product_id,
                               sums.c.location_id == stock_levels.c.location_id)))
             .join(products, products.c.id == stock_levels.c.product_id)
             .join(locations, locations.c.id == stock_levels.c.location_id)
             .where(stock_levels.c.on_hand != sa.func.coalesce(sums.c.total, 0)))
    return [(r.sku, r.code, r.on_hand, int(r.total)) for r in connection.execute(query)]


def open_alerts(connection: Connection, location_scope: frozenset[int] | None = None,
                limit: int = 50) -> list[dict[str, Any]]:
    query = (sa.select(low_stock_alerts, products.c.sku, locations.c.code.label("location"))
             .join(products, products.c.id == low_stock_alerts.c.product_id)
             .join(locations, locations.c.id == low_stock_alerts.c.location_id)
             .where(low_stock_alerts.c.acknowledged_at.is_(None))
             .order_by(low_stock_alerts.c.id.desc()).limit(limit))
    if location_scope is not None:
        query = query.where(low_stock_alerts.c.location_id.in_(location_scope))
    return [{"id": r.id, "sku": r.sku, "location": r.location, "available": r.available,
             "reorder_point": r.reorder_point, "raised_at": rfc3339(r.raised_at)}
            for r in connection.execute(query)]
