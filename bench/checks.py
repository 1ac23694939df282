"""After a run: was anything oversold, and do the stock counters still agree with the rows
they summarise? Read straight from the database, not from what the server answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

OVERSOLD = """
SELECT count(*) FROM stock_levels WHERE reserved > on_hand - safety_stock"""
# Reserved units must equal the fulfillment order lines that hold them; a kit line's holds
# each component times its units per kit, as recorded in the line's parts.
RESERVED_DRIFT = """
WITH held AS (
    SELECT (part ->> 0)::int AS product_id, a.location_id,
           sum(a.quantity * (part ->> 1)::int) AS units
    FROM fulfillment_order_lines a
    JOIN order_lines l ON l.id = a.order_line_id
    CROSS JOIN LATERAL json_array_elements(l.parts) AS part
    GROUP BY 1, 2)
SELECT count(*) FROM stock_levels s
LEFT JOIN held h ON h.product_id = s.product_id AND h.location_id = s.location_id
WHERE s.reserved <> coalesce(h.units, 0)"""
LEDGER_DRIFT = """
WITH ledger AS (
    SELECT product_id, location_id, sum(quantity) AS units FROM stock_ledger GROUP BY 1, 2)
SELECT count(*) FROM stock_levels s
LEFT JOIN ledger l ON l.product_id = s.product_id AND l.location_id = s.location_id
WHERE s.on_hand <> coalesce(l.units, 0)"""


@dataclass(frozen=True)
class StockChecks:
    oversold: int  # stock rows with more reserved than may be sold
    reserved_drift: int  # stock rows whose reserved differs from their allocations
    ledger_drift: int  # stock rows whose on-hand differs from their ledger

    @property
    def clean(self) -> bool:
        return self.oversold == self.reserved_drift == self.ledger_drift == 0


def check_stock(conninfo: str) -> StockChecks:
    with psycopg.connect(conninfo) as connection:
        counts = [_count(connection, query) for query in (OVERSOLD, RESERVED_DRIFT, LEDGER_DRIFT)]
    return StockChecks(*counts)


def _count(connection: psycopg.Connection[Any], query: str) -> int:
    row = connection.execute(query).fetchone()
    assert row is not None
    return int(row[0])


@dataclass(frozen=True)
class Sellout:
    """How the scarce sku ended: every unit for sale reserved at most once."""

    for_sale: int
    reserved: int
    confirmed: int  # orders holding all they asked for
    backordered: int  # orders left pending for want of stock


def sellout(conninfo: str, sku: str, prefix: str) -> Sellout:
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("""
            SELECT sum(s.on_hand - s.safety_stock), sum(s.reserved) FROM stock_levels s
            JOIN products p ON p.id = s.product_id WHERE p.sku = %s""", (sku,)).fetchone()
        statuses: dict[str, int] = dict(connection.execute(
            "SELECT status, count(*) FROM orders WHERE external_id LIKE %s GROUP BY status",
            (f"{prefix}%",)).fetchall())
    assert row is not None
    return Sellout(int(row[0]), int(row[1]), statuses.get("confirmed", 0),
                   statuses.get("pending", 0))
