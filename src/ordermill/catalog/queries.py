"""Read side of the catalog: product pages and lists."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog import repository
from ordermill.catalog.tables import products
from ordermill.shared.clock import rfc3339


def product_view(row: Any, components: list[Any]) -> dict[str, Any]:
    return {
        "sku": row.sku, "name": row.name, "gtin": row.gtin, "weight_grams": row.weight_grams,
        "length_mm": row.length_mm, "width_mm": row.width_mm, "height_mm": row.height_mm,
        "default_price": row.default_price, "currency": row.currency, "ships": row.ships,
        "active": row.active, "kind": "kit" if row.is_kit else "simple",
        "components": [{"sku": c.sku, "quantity": c.quantity} for c in components],
        "created_at": rfc3339(row.created_at), "updated_at": rfc3339(row.updated_at),
    }


def get_product(connection: Connection, sku: str) -> dict[str, Any] | None:
    row = repository.product_by_sku(connection, sku)
    if row is None:
        return None
    return product_view(row, repository.components_of(connection, [row.id])[row.id])


def list_products(connection: Connection, *, after_id: int | None, limit: int,
                  active: bool | None = None, kind: str | None = None,
                  search: str | None = None) -> tuple[list[dict[str, Any]], int | None]:
    query = sa.select(products).order_by(products.c.id).limit(limit + 1)
    if after_id is not None:
        query = query.where(products.c.id > after_id)
    if active is not None:
        query = query.where(products.c.active.is_(active))
    if kind is not None:
        query = query.where(products.c.is_kit.is_(kind == "kit"))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(products.c.sku).like(pattern),
                                   sa.func.lower(products.c.name).like(pattern)))
    rows = list(connection.execute(query))
    page, more = rows[:limit], len(rows) > limit
    components = repository.components_of(connection, [r.id for r in page if r.is_kit])
    items = [product_view(r, components.get(r.id, [])) for r in page]
    return items, (page[-1].id if more else None)
