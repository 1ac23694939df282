"""The reads of the order-intake hot path: channel, products and stock, sent together.

Written once as raw SQL (see db/raw.py); the writes it shares with other use cases live in
the repositories of orders, customers and inventory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from ordermill.db import raw
from ordermill.inventory.domain import Level
from ordermill.locations.domain import shipping_rates
from ordermill.routing.domain import Performance, RuleSet
from ordermill.routing.places import Place
from ordermill.routing.repository import rules_from
from ordermill.shared.clock import utcnow


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
    weight_grams: int = 0


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
    places: list[Place] = field(default_factory=list)
    rules: RuleSet = field(default_factory=RuleSet)
    # (location id, day) -> fulfillment orders taken, for locations with a daily limit
    loads: dict[tuple[int, date], int] = field(default_factory=dict)


_CHANNEL = ("c.id, c.code, c.active, c.shortage_policy, c.payment_terms, "
            "(SELECT o.id FROM orders o WHERE o.channel_id = c.id "
            "AND o.external_id = :external_id)",
            "FROM channels c WHERE c.code = :code")
_PRODUCTS = ("p.id, p.sku, p.name, p.active, p.is_kit, k.component_id, k.quantity, c.sku, "
             "p.weight_grams",
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
# What routing weighs: the channel's shipping locations with their records, its rules, and
# the recent daily load of locations with a limit (their days are local, so three dates).
_CHANNEL_LOCATIONS = ("FROM channels ch JOIN channel_locations cl ON cl.channel_id = ch.id "
                      "JOIN locations l ON l.id = cl.location_id ")
_PLACES = ("l.id, l.code, l.priority, l.country, l.latitude, l.longitude, l.ships_to, "
           "l.daily_order_limit, l.cutoff_time, l.timezone, l.shipping_rates, "
           "lp.on_time_rate, lp.median_hours_to_ship, lp.short_pick_rate",
           _CHANNEL_LOCATIONS + "LEFT JOIN location_performance lp ON lp.location_id = l.id "
           "WHERE ch.code = :code AND l.active = :yes AND l.ships = :yes")
_RULES = ("r.policy, r.rules, r.filters, r.split_penalty",
          "FROM channel_routing_rules r JOIN channels ch ON ch.id = r.channel_id "
          "WHERE ch.code = :code")
_LOADS = ("dl.location_id, dl.day, dl.orders",
          _CHANNEL_LOCATIONS + "JOIN location_daily_load dl ON dl.location_id = l.id "
          "WHERE ch.code = :code AND dl.day BETWEEN :first_day AND :last_day")
_READS = (_CHANNEL, _PRODUCTS, _STOCK, _PLACES, _RULES, _LOADS)
_EACH = [raw.RawInList(f"SELECT {columns} {source}") for columns, source in _READS]
# On PostgreSQL all of them as one statement, each answer a JSON array of the same rows: a
# statement costs the driver more CPU than the database spends building the arrays.
_ALL = raw.RawInList("SELECT " + ", ".join(
    f"(SELECT json_agg(json_build_array({columns})) {source})" for columns, source in _READS))


def read(connection: Connection, code: str, external_id: str, skus: Sequence[str],
         today: date | None = None) -> IntakeReads:
    """The channel (and the order it already holds under this external id), the products the
    skus name, their stock for this channel, and what routing weighs: one statement on
    PostgreSQL."""
    today = today or utcnow().date()
    params = {"code": code, "external_id": external_id, "yes": True, "no": False,
              "first_day": today - timedelta(days=1), "last_day": today + timedelta(days=1)}
    skus = sorted(set(skus))
    if connection.dialect.name == "postgresql":
        [answers] = raw.run(connection, *_ALL.bind(skus, **params))
        channel, products, stock, places, rules, loads = (rows or [] for rows in answers)
    else:
        channel, products, stock, places, rules, loads = (
            raw.run(connection, *statement.bind(skus, **params)) for statement in _EACH)
    return IntakeReads(_channel(channel), _catalog(products), _stock(stock),
                       [_place(row) for row in places],
                       rules_from(_stored_rules(rules[0])) if rules else RuleSet(),
                       {(location_id, _day(day)): orders for location_id, day, orders in loads})


def _channel(rows: Sequence[Sequence[Any]]) -> Channel | None:
    if not rows:
        return None
    id_, code_, active, shortage_policy, payment_terms, existing = rows[0]
    return Channel(id_, code_, bool(active), shortage_policy, payment_terms, existing)


def _catalog(rows: Sequence[Sequence[Any]]) -> Catalog:
    found: dict[str, Product] = {}
    kits: dict[int, dict[int, int]] = {}
    skus_by_id: dict[int, str] = {}
    for id_, sku, name, active, is_kit, component_id, per_kit, component_sku, grams in rows:
        found[sku] = Product(id_, sku, name, bool(active), bool(is_kit), grams)
        skus_by_id[id_] = sku
        if component_id is not None:
            kits.setdefault(id_, {})[component_id] = per_kit
            skus_by_id[component_id] = component_sku
    return Catalog(found, kits, skus_by_id)


def _stock(rows: Sequence[Sequence[Any]]) -> list[StockRow]:
    return [StockRow(r[0], r[1], r[2], r[3], r[4], Level(r[5], r[6], r[7], r[8]))
            for r in rows]


def _json(value: Any) -> Any:
    """A JSON column's value: parsed already inside PostgreSQL's arrays, text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _place(row: Sequence[Any]) -> Place:
    (id_, code, priority, country, latitude, longitude, ships_to, limit, cutoff, timezone,
     rates, on_time, hours, short) = row
    ships_to, rates = _json(ships_to), _json(rates)
    return Place(id_, code, priority, country,
                 None if latitude is None or longitude is None else (latitude, longitude),
                 None if ships_to is None else frozenset(ships_to), limit, cutoff, timezone,
                 shipping_rates(rates), Performance(on_time, hours, short))


def _stored_rules(row: Sequence[Any]) -> dict[str, Any]:
    policy, rules, filters, split_penalty = row
    return {"policy": policy, "rules": _json(rules), "filters": _json(filters),
            "split_penalty": split_penalty}
