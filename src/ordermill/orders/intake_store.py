"""The reads of the order-intake hot path: each gathers what intake needs in one statement.

Written once as raw SQL (see db/raw.py); the writes it shares with other use cases live in
the repositories of orders, customers and inventory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from ordermill.db import raw
from ordermill.inventory.domain import Level


@dataclass(frozen=True)
class Channel:
    id: int
    code: str
    active: bool
    shortage_policy: str
    payment_terms: str
    existing_order_id: int | None


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    name: str
    active: bool
    is_kit: bool


@dataclass(frozen=True)
class StockRow:
    id: int
    product_id: int
    location_id: int
    location_code: str
    location_priority: int
    level: Level


_CHANNEL = raw.RawStatement(
    "SELECT c.id, c.code, c.active, c.shortage_policy, c.payment_terms, "
    "(SELECT o.id FROM orders o WHERE o.channel_id = c.id AND o.external_id = :external_id) "
    "FROM channels c WHERE c.code = :code")


def channel(connection: Connection, code: str, external_id: str) -> Channel | None:
    """The channel, and the order it already has under this external id, if any."""
    rows = raw.run(connection, _CHANNEL, {"code": code, "external_id": external_id})
    if not rows:
        return None
    id_, code_, active, shortage_policy, payment_terms, existing = rows[0]
    return Channel(id_, code_, bool(active), shortage_policy, payment_terms, existing)


_PRODUCTS = raw.RawInList(
    "SELECT p.id, p.sku, p.name, p.active, p.is_kit, k.component_id, k.quantity, c.sku "
    "FROM products p "
    "LEFT JOIN kit_components k ON k.kit_id = p.id "
    "LEFT JOIN products c ON c.id = k.component_id "
    "WHERE p.sku IN ({values})")


def products(connection: Connection,
             skus: Sequence[str]) -> tuple[dict[str, Product], dict[int, dict[int, int]],
                                           dict[int, str]]:
    """Products by sku, kit id -> component id -> units per kit, and every involved sku."""
    rows = raw.run(connection, *_PRODUCTS.bind(sorted(set(skus))))
    found: dict[str, Product] = {}
    kits: dict[int, dict[int, int]] = {}
    skus_by_id: dict[int, str] = {}
    for id_, sku, name, active, is_kit, component_id, per_kit, component_sku in rows:
        found[sku] = Product(id_, sku, name, bool(active), bool(is_kit))
        skus_by_id[id_] = sku
        if component_id is not None:
            kits.setdefault(id_, {})[component_id] = per_kit
            skus_by_id[component_id] = component_sku
    return found, kits, skus_by_id


_STOCK = raw.RawInList(
    "SELECT s.id, s.product_id, s.location_id, l.code, l.priority, s.on_hand, s.reserved, "
    "s.safety_stock, s.reorder_point "
    "FROM channel_locations cl "
    "JOIN locations l ON l.id = cl.location_id "
    "JOIN stock_levels s ON s.location_id = l.id "
    "WHERE cl.channel_id = :channel_id AND l.active = :yes AND l.ships = :yes "
    "AND s.product_id IN ({values})")


def stock(connection: Connection, channel_id: int,
          product_ids: Sequence[int]) -> list[StockRow]:
    """Stock of these products at the channel's active locations that ship."""
    rows = raw.run(connection, *_STOCK.bind(sorted(set(product_ids)), channel_id=channel_id,
                                            yes=True))
    return [StockRow(r[0], r[1], r[2], r[3], r[4], Level(r[5], r[6], r[7], r[8]))
            for r in rows]
