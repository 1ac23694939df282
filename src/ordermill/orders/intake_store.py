"""The reads of the order-intake hot path: channel, products and stock, sent together.

Written once as raw SQL (see db/raw.py); the writes it shares with other use cases live in
the repositories of orders, customers and inventory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Catalog:
    """Products by sku, kit id -> component id -> units per kit, and every involved sku."""

    products: dict[str, Product]
    kits: dict[int, dict[int, int]]
    skus: dict[int, str]


@dataclass(frozen=True)
class IntakeReads:
    channel: Channel | None
    catalog: Catalog
    stock: list[StockRow]


_CHANNEL = ("c.id, c.code, c.active, c.shortage_policy, c.payment_terms, "
            "(SELECT o.id FROM orders o WHERE o.channel_id = c.id "
            "AND o.external_id = :external_id)",
            "FROM channels c WHERE c.code = :code")
_PRODUCTS = ("p.id, p.sku, p.name, p.active, p.is_kit, k.component_id, k.quantity, c.sku",
             "FROM products p "
             "LEFT JOIN kit_components k ON k.kit_id = p.id "
             "LEFT JOIN products c ON c.id = k.component_id "
             "WHERE p.sku IN ({values})")
# Stock of what the skus take from the shelves (the products, or a kit's components) at the
# channel's active locations that ship: found by sku and channel code, so it needs no answer
# of the other reads.
_STOCK = ("s.id, s.product_id, s.location_id, l.code, l.priority, s.on_hand, s.reserved, "
          "s.safety_stock, s.reorder_point",
          "FROM channels ch "
          "JOIN channel_locations cl ON cl.channel_id = ch.id "
          "JOIN locations l ON l.id = cl.location_id "
          "JOIN stock_levels s ON s.location_id = l.id "
          "WHERE ch.code = :code AND l.active = :yes AND l.ships = :yes "
          "AND s.product_id IN (SELECT p.id FROM products p WHERE p.sku IN ({values}) "
          "AND p.is_kit = :no UNION ALL SELECT k.component_id FROM kit_components k "
          "JOIN products p ON p.id = k.kit_id WHERE p.sku IN ({values}))")
_EACH = [raw.RawInList(f"SELECT {columns} {source}") for columns, source in
         (_CHANNEL, _PRODUCTS, _STOCK)]
# On PostgreSQL all three as one statement, each answer a JSON array of the same rows: a
# statement costs the driver more CPU than the database spends building the arrays.
_ALL = raw.RawInList(
    f"SELECT (SELECT json_build_array({_CHANNEL[0]}) {_CHANNEL[1]}), "
    f"(SELECT json_agg(json_build_array({_PRODUCTS[0]})) {_PRODUCTS[1]}), "
    f"(SELECT json_agg(json_build_array({_STOCK[0]})) {_STOCK[1]})")


def read(connection: Connection, code: str, external_id: str,
         skus: Sequence[str]) -> IntakeReads:
    """The channel (and the order it already holds under this external id), the products the
    skus name, and their stock for this channel: one statement on PostgreSQL."""
    params = {"code": code, "external_id": external_id, "yes": True, "no": False}
    skus = sorted(set(skus))
    if connection.dialect.name == "postgresql":
        [(channel, products, stock)] = raw.run(connection, *_ALL.bind(skus, **params))
        return IntakeReads(_channel([channel] if channel else []), _catalog(products or []),
                           _stock(stock or []))
    channel, products, stock = (raw.run(connection, *statement.bind(skus, **params))
                                for statement in _EACH)
    return IntakeReads(_channel(channel), _catalog(products), _stock(stock))


def _channel(rows: Sequence[Sequence[Any]]) -> Channel | None:
    if not rows:
        return None
    id_, code_, active, shortage_policy, payment_terms, existing = rows[0]
    return Channel(id_, code_, bool(active), shortage_policy, payment_terms, existing)


def _catalog(rows: Sequence[Sequence[Any]]) -> Catalog:
    found: dict[str, Product] = {}
    kits: dict[int, dict[int, int]] = {}
    skus_by_id: dict[int, str] = {}
    for id_, sku, name, active, is_kit, component_id, per_kit, component_sku in rows:
        found[sku] = Product(id_, sku, name, bool(active), bool(is_kit))
        skus_by_id[id_] = sku
        if component_id is not None:
            kits.setdefault(id_, {})[component_id] = per_kit
            skus_by_id[component_id] = component_sku
    return Catalog(found, kits, skus_by_id)


def _stock(rows: Sequence[Sequence[Any]]) -> list[StockRow]:
    return [StockRow(r[0], r[1], r[2], r[3], r[4], Level(r[5], r[6], r[7], r[8]))
            for r in rows]
