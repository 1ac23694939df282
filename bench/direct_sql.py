"""The ceiling in Python: intake's writes for one order as one transaction, sent statement by
statement with psycopg from N threads, with no web layer, no validation and no reads.

What intake looks up first (channel, products, locations, stock rows) is loaded once here, as
a perfect cache would. The stock updates go last, just before COMMIT, so the hottest rows stay
locked for the shortest time; each also writes its `inventory.changed` outbox row.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Json

from measure import FAILED, PLACED, REFUSED, Tally, Window
from ordermill.customers.domain import address_fingerprint, normalise_email
from ordermill.orders.domain import order_number
from ordermill.shared.address import Address

CUSTOMER = """
INSERT INTO customers (email_normalized, email, name, phone, created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (email_normalized) DO UPDATE
SET name = excluded.name, phone = excluded.phone, updated_at = excluded.updated_at
RETURNING id"""
ADDRESSES = """
INSERT INTO customer_addresses (customer_id, fingerprint, address, last_used_at) VALUES {rows}
ON CONFLICT (customer_id, fingerprint) DO UPDATE
SET last_used_at = excluded.last_used_at, address = excluded.address"""
ORDER = """
INSERT INTO orders (channel_id, external_id, customer_id, currency, status, payment_status,
                    payment_terms, shipping_address, billing_address, subtotal, discount_total,
                    tax_total, shipping_total, total, tags, placed_at, created_at, updated_at)
VALUES (%s, %s, %s, %s, 'confirmed', %s, %s, %s, %s, %s, %s, %s, %s, %s, '[]', %s, %s, %s)
RETURNING id"""
LINES = """
INSERT INTO order_lines (order_id, line_number, product_id, sku, name, parts, quantity,
                         cancelled_quantity, unit_price, discount, tax, total)
VALUES {rows} RETURNING id, line_number"""
FULFILLMENT_ORDER = """
INSERT INTO fulfillment_orders (order_id, location_id, status, priority, ship_by, created_at,
                                updated_at)
VALUES (%s, %s, 'open', 3, %s, %s, %s) RETURNING id"""
FULFILLMENT_LINES = """
INSERT INTO fulfillment_order_lines (fulfillment_order_id, order_id, order_line_id, location_id,
                                     quantity) VALUES {rows}"""
DECISION = """
INSERT INTO routing_decisions (order_id, trigger, policy, candidates, allocations, short,
                               reason, decided_at)
VALUES (%s, 'placed', 'ship_complete', %s, %s, '{}', %s, %s)"""
EVENTS = """
INSERT INTO order_events (order_id, type, detail, actor, occurred_at)
VALUES (%s, 'order.created', %s, %s, %s), (%s, 'order.confirmed', '{}', %s, %s)"""
AUDIT = """
INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_name, action, entity_type,
                       entity_id, after)
VALUES (%s, 'api_key', %s, %s, 'order.created', 'order', %s, %s)"""
OUTBOX = """
INSERT INTO outbox (topic, payload, created_at, available_at) VALUES (%s, %s, %s, %s)"""
RESERVE = """
WITH reserved AS (
    UPDATE stock_levels SET reserved = reserved + %(units)s, updated_at = %(now)s
    WHERE id = %(level_id)s AND on_hand - reserved - safety_stock >= %(units)s
    RETURNING on_hand, reserved, safety_stock, reorder_point)
INSERT INTO outbox (topic, payload, created_at, available_at)
SELECT 'inventory.changed',
       json_build_object('sku', %(sku)s::text, 'location', %(location)s::text,
                         'on_hand', on_hand, 'reserved', reserved, 'safety_stock', safety_stock,
                         'available', on_hand - reserved - safety_stock,
                         'reorder_point', reorder_point)::text,
       %(now)s, %(now)s
FROM reserved RETURNING id"""


@dataclass(frozen=True)
class Channel:
    id: int
    payment_terms: str
    location_id: int  # the first location it ships from: with plenty of stock, intake's pick
    location_code: str
    key_id: int
    actor: str


@dataclass(frozen=True)
class Refs:
    """Ids intake would look up, loaded once."""

    channels: dict[str, Channel]
    products: dict[str, tuple[int, str]]  # sku -> product id, name
    levels: dict[tuple[str, int], int]  # (sku, location id) -> stock row id


def load_refs(conninfo: str) -> Refs:
    with psycopg.connect(conninfo) as connection:
        channels = {code: Channel(channel_id, terms, location_id, location_code, key_id,
                                  actor=f"api_key:{key_id} {key_name}")
                    for code, channel_id, terms, location_id, location_code, key_id, key_name
                    in connection.execute("""
            SELECT DISTINCT ON (c.id) c.code, c.id, c.payment_terms, l.id, l.code, k.id, k.name
            FROM channels c
            JOIN channel_locations cl ON cl.channel_id = c.id
            JOIN locations l ON l.id = cl.location_id
            JOIN api_keys k ON k.channel_id = c.id
            ORDER BY c.id, l.priority, l.code""")}
        products = {sku: (product_id, name) for product_id, sku, name in
                    connection.execute("SELECT id, sku, name FROM products")}
        levels = {(sku, location_id): level_id for level_id, sku, location_id in
                  connection.execute("""SELECT s.id, p.sku, s.location_id FROM stock_levels s
                                        JOIN products p ON p.id = s.product_id""")}
    return Refs(channels, products, levels)


def _values(rows: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    marks = ", ".join("(" + ", ".join(["%s"] * len(row)) + ")" for row in rows)
    return marks, [value for row in rows for value in row]


def _first(cursor: psycopg.Cursor[Any]) -> Any:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


class _OutOfStock(Exception):
    pass


def place(connection: psycopg.Connection[Any], refs: Refs, order: dict[str, Any]) -> None:
    """Write one order; raises _OutOfStock, rolling everything back, when a row lacks stock."""
    channel, now = refs.channels[order["channel"]], datetime.now(UTC)
    customer = order["customer"]
    with connection.transaction():
        customer_id = _first(connection.execute(CUSTOMER, (
            normalise_email(customer["email"]), customer["email"], customer.get("name"),
            customer.get("phone"), now, now)))
        _remember_addresses(connection, customer_id, order, now)
        order_id, lines = _insert_order(connection, refs, channel, customer_id, order, now)
        _fulfil(connection, channel, order_id, lines, now)
        summary = {"channel": order["channel"], "external_id": order["external_id"],
                   "total": order["total"], "currency": order["currency"]}
        connection.execute(EVENTS, (order_id, Json(summary), channel.actor, now,
                                    order_id, channel.actor, now))
        connection.execute(AUDIT, (now, channel.key_id, channel.actor, str(order_id), json.dumps(
            {"number": order_number(order_id), **summary})))
        connection.execute(OUTBOX, ("order.created", json.dumps(
            {"order_id": order_id, "status": "confirmed", "number": order_number(order_id),
             **summary}, sort_keys=True), now, now))
        _reserve(connection, refs, channel, lines, now)


def _fulfil(connection: psycopg.Connection[Any], channel: Channel, order_id: int,
            lines: list[tuple[int, str, int]], now: datetime) -> None:
    """The order's fulfillment order at its location, the routing decision that chose it, and
    the event that tells the location's team."""
    ship_by = now + timedelta(days=1)
    fulfillment_order_id = _first(connection.execute(FULFILLMENT_ORDER, (
        order_id, channel.location_id, ship_by, now, now)))
    marks, values = _values([(fulfillment_order_id, order_id, line_id, channel.location_id,
                              quantity) for line_id, _, quantity in lines])
    connection.execute(FULFILLMENT_LINES.format(rows=marks), values)
    candidate = {"location": channel.location_code, "excluded_by": None, "why_excluded": None,
                 "scores": {"fewest_shipments": 1.0, "distance": 0.5, "priority": 1.0},
                 "total": 0.9167}
    connection.execute(DECISION, (order_id, Json([candidate]), Json([
        {"line_number": number, "location": channel.location_code, "quantity": quantity}
        for number, (_, _, quantity) in enumerate(lines, start=1)]),
        f"{channel.location_code} ships every line", now))
    connection.execute(OUTBOX, ("fulfillment_order.created", json.dumps({
        "fulfillment_order_id": fulfillment_order_id, "order_id": order_id,
        "number": order_number(order_id), "location": channel.location_code, "priority": 3,
        "ship_by": ship_by.isoformat(),
        "lines": [{"sku": sku, "quantity": quantity} for _, sku, quantity in lines]}), now, now))


def _remember_addresses(connection: psycopg.Connection[Any], customer_id: int,
                        order: dict[str, Any], now: datetime) -> None:
    addresses = [order["shipping_address"]] + (
        [order["billing_address"]] if "billing_address" in order else [])
    by_fingerprint = {address_fingerprint(Address(**a)): a for a in addresses}
    marks, values = _values([(customer_id, fingerprint, Json(address), now)
                             for fingerprint, address in by_fingerprint.items()])
    connection.execute(ADDRESSES.format(rows=marks), values)


def _insert_order(connection: psycopg.Connection[Any], refs: Refs, channel: Channel,
                  customer_id: int, order: dict[str, Any],
                  now: datetime) -> tuple[int, list[tuple[int, str, int]]]:
    """The order and its lines; returns the order id and (line id, sku, quantity) per line."""
    lines, billing = order["lines"], order.get("billing_address")
    subtotal = sum(line["quantity"] * line["unit_price"] for line in lines)
    discount = sum(line["discount"] for line in lines)
    tax = sum(line["tax"] for line in lines)
    order_id = _first(connection.execute(ORDER, (
        channel.id, order["external_id"], customer_id, order["currency"],
        order["payment_status"], channel.payment_terms, Json(order["shipping_address"]),
        Json(billing) if billing else None, subtotal, discount, tax, order["shipping_price"],
        order["total"], now, now, now)))
    rows = []
    for number, line in enumerate(lines, start=1):
        product_id, name = refs.products[line["sku"]]
        total = line["quantity"] * line["unit_price"] - line["discount"] + line["tax"]
        rows.append((order_id, number, product_id, line["sku"], name, Json([[product_id, 1]]),
                     line["quantity"], 0, line["unit_price"], line["discount"], line["tax"],
                     total))
    marks, values = _values(rows)
    ids = dict((number, line_id) for line_id, number in
               connection.execute(LINES.format(rows=marks), values))
    return order_id, [(ids[number], line["sku"], line["quantity"])
                      for number, line in enumerate(lines, start=1)]


def _reserve(connection: psycopg.Connection[Any], refs: Refs, channel: Channel,
             lines: list[tuple[int, str, int]], now: datetime) -> None:
    # Ascending stock row ids, as intake does, so concurrent orders queue instead of deadlocking.
    for level_id, sku, units in sorted((refs.levels[sku, channel.location_id], sku, units)
                                       for _, sku, units in lines):
        found = connection.execute(RESERVE, {
            "units": units, "now": now, "level_id": level_id, "sku": sku,
            "location": channel.location_code}).fetchone()
        if found is None:
            raise _OutOfStock


def _worker(conninfo: str, refs: Refs, make_order: Callable[[], dict[str, Any]],
            tally: Tally) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        while (started := time.perf_counter()) < tally.window.end:
            status, answer = PLACED, b""
            try:
                place(connection, refs, make_order())
            except _OutOfStock:
                status = REFUSED
            except psycopg.Error as error:
                # Counted and shown like a server error, so a broken ceiling cannot hide.
                status, answer = FAILED, str(error).encode()
            if started >= tally.window.start:
                tally.record(status, time.perf_counter() - started, answer)


def run_direct(conninfo: str, makers: list[Callable[[], dict[str, Any]]],
               window: Window) -> Tally:
    """One thread and connection per maker until the window closes."""
    refs = load_refs(conninfo)
    tallies = [Tally(window) for _ in makers]
    threads = [threading.Thread(target=_worker, args=(conninfo, refs, make, tally))
               for make, tally in zip(makers, tallies, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally(window)
    for tally in tallies:
        total.absorb(tally)
    return total
