"""The routing what-if: a channel's orders of a past period replayed against a draft rule set
and against its live one, from the stock there is now. Reads only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.channels.repository import channel_by_code
from ordermill.inventory import repository as inventory
from ordermill.orders.tables import order_lines, orders
from ordermill.routing import places
from ordermill.routing import repository as routing
from ordermill.routing.domain import Candidate, Demand, RuleSet
from ordermill.routing.simulation import PastOrder, replay
from ordermill.shared.errors import NotFound, ValidationFailed

MAX_PERIOD = timedelta(days=92)
MAX_ORDERS = 20_000


def simulate(connection: Connection, channel: str, placed_from: datetime, placed_to: datetime,
             draft: RuleSet) -> dict[str, Any]:
    """Split rate, distance, estimated shipping cost and unserved orders under each rule set.
    Daily limits and cut-offs are not replayed: they depend on the day as it was."""
    found = channel_by_code(connection, channel)
    if found is None:
        raise NotFound(f"channel {channel!r} not found")
    if not timedelta(0) < placed_to - placed_from <= MAX_PERIOD:
        raise ValidationFailed.on("to", "a period after `from`, of at most 92 days")
    past = _past_orders(connection, found.id, placed_from, placed_to)
    sites = routing.places(connection, found.id)
    stock = _free_stock(connection, sites)
    by_code = {place.code: place for place in sites}

    def candidate_for(location: str, free: dict[int, int], order: PastOrder) -> Candidate:
        plain = replace(by_code[location], daily_order_limit=None, cutoff_time=None)
        return places.candidate(plain, free, 0, placed_from, order.destination.country,
                                order.grams)

    live = replay(past, routing.rule_set(connection, found.id), stock, candidate_for)
    what_if = replay(past, draft, stock, candidate_for)
    return {"channel": channel, "from": placed_from.isoformat(), "to": placed_to.isoformat(),
            "orders": len(past), "live": live.summary(), "draft": what_if.summary(),
            "replayed": "from the stock there is now, without daily limits or cut-offs"}


def _past_orders(connection: Connection, channel_id: int, placed_from: datetime,
                 placed_to: datetime) -> list[PastOrder]:
    rows = list(connection.execute(
        sa.select(orders.c.id, orders.c.shipping_address, order_lines.c.line_number,
                  order_lines.c.parts, order_lines.c.quantity, order_lines.c.cancelled_quantity,
                  products.c.weight_grams)
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(orders.c.channel_id == channel_id, orders.c.placed_at >= placed_from,
               orders.c.placed_at < placed_to)
        .order_by(orders.c.placed_at, orders.c.id, order_lines.c.line_number)
        .limit(MAX_ORDERS * 20)))
    past: dict[int, tuple[dict[str, Any], list[Demand], int]] = {}
    for row in rows:
        address, demands, grams = past.setdefault(row.id, (row.shipping_address, [], 0))
        units = row.quantity - row.cancelled_quantity
        if units > 0:
            demands.append(Demand(len(demands), units, dict(row.parts)))
            past[row.id] = (address, demands, grams + units * row.weight_grams)
    if len(past) > MAX_ORDERS:
        raise ValidationFailed.on("from", f"at most {MAX_ORDERS} orders; choose a shorter period")
    return [PastOrder(order_id, tuple(demands), places.destination(address), grams)
            for order_id, (address, demands, grams) in past.items() if demands]


def _free_stock(connection: Connection, sites: list[places.Place]) -> dict[str, dict[int, int]]:
    """What each location could sell of each product before any of the period's orders."""
    stock: dict[str, dict[int, int]] = {place.code: {} for place in sites}
    codes = {place.id: place.code for place in sites}
    for row in inventory.levels_for_locations(connection, list(codes)):
        stock[codes[row.location_id]][row.product_id] = max(
            0, row.level.on_hand - row.level.safety_stock)
    return stock
