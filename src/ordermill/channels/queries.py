"""Read side of channels: channel pages and the available-to-sell each channel would publish."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.domain import kit_units_available
from ordermill.catalog.tables import kit_components, products
from ordermill.channels import repository
from ordermill.inventory.domain import available
from ordermill.inventory.tables import stock_levels
from ordermill.shared.clock import rfc3339


def channel_view(connection: Connection, row: Any) -> dict[str, Any]:
    rules = repository.availability_rules(connection, row)
    return {
        "code": row.code, "name": row.name, "kind": row.kind,
        "locations": [loc.code for loc in repository.serving_locations(connection, row.id)],
        "shortage_policy": row.shortage_policy, "payment_terms": row.payment_terms,
        "availability": {"buffer": rules.buffer, "cap_percent": rules.cap_percent,
                         "sku_buffers": rules.sku_buffers},
        "active": row.active, "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
    }


def get_channel(connection: Connection, code: str) -> dict[str, Any] | None:
    row = repository.channel_by_code(connection, code)
    return None if row is None else channel_view(connection, row)


def list_channels(connection: Connection, only_code: str | None = None) -> list[dict[str, Any]]:
    return [channel_view(connection, row) for row in repository.all_channels(connection)
            if only_code is None or row.code == only_code]


def stock_by_product(connection: Connection, location_ids: list[int],
                     product_ids: Iterable[int] | None = None) -> dict[int, dict[int, int]]:
    """product id -> location id -> available units (after safety stock)."""
    query = sa.select(stock_levels.c.product_id, stock_levels.c.location_id,
                      stock_levels.c.on_hand, stock_levels.c.reserved,
                      stock_levels.c.safety_stock).where(
        stock_levels.c.location_id.in_(location_ids))
    if product_ids is not None:
        query = query.where(stock_levels.c.product_id.in_(list(product_ids)))
    stock: dict[int, dict[int, int]] = defaultdict(dict)
    for row in connection.execute(query):
        stock[row.product_id][row.location_id] = available(row.on_hand, row.reserved,
                                                           row.safety_stock)
    return stock


def availability(connection: Connection, channel: Any,
                 skus: list[str] | None = None) -> list[dict[str, Any]]:
    """Available-to-sell per active sku: summed over the channel's active locations; a kit
    counts whole kits that one location can assemble."""
    location_ids = [loc.id for loc in repository.serving_locations(connection, channel.id,
                                                                    active_only=True)]
    rules = repository.availability_rules(connection, channel)
    query = sa.select(products.c.id, products.c.sku, products.c.is_kit).where(
        products.c.active.is_(True)).order_by(products.c.sku)
    if skus is not None:
        query = query.where(products.c.sku.in_(skus))
    items = list(connection.execute(query))
    components: dict[int, dict[int, int]] = defaultdict(dict)
    kit_ids = [p.id for p in items if p.is_kit]
    if kit_ids:
        for row in connection.execute(sa.select(kit_components).where(
                kit_components.c.kit_id.in_(kit_ids))):
            components[row.kit_id][row.component_id] = row.quantity
    needed = {p.id for p in items} | {c for parts in components.values() for c in parts}
    stock = stock_by_product(connection, location_ids, needed) if location_ids else {}
    result = []
    for product in items:
        if product.is_kit:
            total = sum(kit_units_available(components[product.id], {
                c: stock.get(c, {}).get(loc, 0) for c in components[product.id]})
                for loc in location_ids)
        else:
            total = sum(stock.get(product.id, {}).values())
        result.append({"sku": product.sku, "available": total,
                       "available_to_sell": rules.available_to_sell(product.sku, total)})
    return result
