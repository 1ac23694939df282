"""Loading and changing stock rows and appending to the ledger.

Stock rows are always changed in ascending id order within a transaction, so two
transactions touching the same rows queue up instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ordermill.db import raw
from ordermill.inventory.domain import Level
from ordermill.inventory.tables import stock_ledger, stock_levels
from ordermill.shared.clock import utcnow

_LEVEL_COLUMNS = (stock_levels.c.on_hand, stock_levels.c.reserved, stock_levels.c.safety_stock,
                  stock_levels.c.reorder_point)


@dataclass(frozen=True)
class StockRow:
    id: int
    product_id: int
    location_id: int
    level: Level


def _level(row: Any) -> Level:
    return Level(row.on_hand, row.reserved, row.safety_stock, row.reorder_point)


def ensure_level(connection: Connection, product_id: int, location_id: int) -> int:
    """The stock row of a sku at a location, created empty the first time stock arrives."""
    insert = (postgresql.insert(stock_levels) if connection.dialect.name == "postgresql"
              else sqlite.insert(stock_levels))
    connection.execute(insert.values(product_id=product_id, location_id=location_id,
                                     updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["product_id", "location_id"]))
    return int(connection.execute(
        sa.select(stock_levels.c.id).where(stock_levels.c.product_id == product_id,
                                           stock_levels.c.location_id == location_id)
    ).scalar_one())


def lock_level(connection: Connection, level_id: int) -> Level:
    query = sa.select(*_LEVEL_COLUMNS).where(stock_levels.c.id == level_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return _level(connection.execute(query).one())


def levels_for(connection: Connection, product_ids: Iterable[int],
               location_ids: Iterable[int]) -> list[StockRow]:
    product_ids, location_ids = list(set(product_ids)), list(set(location_ids))
    if not product_ids or not location_ids:
        return []
    rows = connection.execute(
        sa.select(stock_levels.c.id, stock_levels.c.product_id, stock_levels.c.location_id,
                  *_LEVEL_COLUMNS)
        .where(stock_levels.c.product_id.in_(product_ids),
               stock_levels.c.location_id.in_(location_ids)))
    return [StockRow(r.id, r.product_id, r.location_id, _level(r)) for r in rows]


def change_on_hand(connection: Connection, level_id: int, delta: int) -> Level | None:
    """Add `delta` to on-hand unless that would take it below zero; None when refused."""
    row = connection.execute(
        stock_levels.update()
        .where(stock_levels.c.id == level_id, stock_levels.c.on_hand + delta >= 0)
        .values(on_hand=stock_levels.c.on_hand + delta, updated_at=utcnow())
        .returning(*_LEVEL_COLUMNS)).first()
    return None if row is None else _level(row)


def set_on_hand(connection: Connection, level_id: int, on_hand: int) -> Level:
    row = connection.execute(
        stock_levels.update().where(stock_levels.c.id == level_id)
        .values(on_hand=on_hand, updated_at=utcnow()).returning(*_LEVEL_COLUMNS)).one()
    return _level(row)


def set_policy(connection: Connection, level_id: int, values: dict[str, int]) -> Level:
    row = connection.execute(
        stock_levels.update().where(stock_levels.c.id == level_id)
        .values(**values, updated_at=utcnow()).returning(*_LEVEL_COLUMNS)).one()
    return _level(row)


_RESERVE = raw.RawStatement(
    "UPDATE stock_levels SET reserved = reserved + :quantity, updated_at = :now "
    "WHERE id = :id AND on_hand - reserved - safety_stock >= :quantity "
    "RETURNING on_hand, reserved, safety_stock, reorder_point")


def send_reserve(connection: Connection,
                 demands: Sequence[tuple[int, int]]) -> raw.Later[list[Level | None]]:
    """Reserve (stock row id, quantity) pairs in ascending row id; inside `raw.pipeline` on
    PostgreSQL the updates travel with the statements around them. Each row's level after,
    or None where the row no longer had the units: the others are reserved even so, and the
    caller rolls back (or see `reserve`).

    The condition is re-checked by the database on the locked row, so two buyers can never
    both take the last unit, whatever they read earlier. Raw SQL: every order runs it.
    """
    now = utcnow()
    sent = [raw.send(connection, _RESERVE, {"id": level_id, "quantity": quantity, "now": now})
            for level_id, quantity in sorted(demands)]
    return raw.Later(lambda: [Level(*rows[0]) if (rows := each.rows()) else None
                              for each in sent])


def reserve(connection: Connection, demands: Sequence[tuple[int, int]]) -> list[Level] | None:
    """Reserve all of (stock row id, quantity) or nothing: None, with every row as it was,
    when one no longer has the units."""
    ordered = sorted(demands)
    after = send_reserve(connection, ordered).value()
    if None in after:
        release(connection, [demand for demand, level in zip(ordered, after, strict=True)
                             if level is not None])
        return None
    return [level for level in after if level is not None]


def release(connection: Connection, demands: Sequence[tuple[int, int]]) -> list[Level]:
    after = []
    for level_id, quantity in sorted(demands):
        row = connection.execute(
            stock_levels.update().where(stock_levels.c.id == level_id)
            .values(reserved=stock_levels.c.reserved - quantity, updated_at=utcnow())
            .returning(*_LEVEL_COLUMNS)).one()
        after.append(_level(row))
    return after


def append_ledger(connection: Connection, entries: Sequence[dict[str, Any]]) -> None:
    now = utcnow()
    connection.execute(stock_ledger.insert(), [{"occurred_at": now, **e} for e in entries])
