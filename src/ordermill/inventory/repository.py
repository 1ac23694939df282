"""Loading and changing stock rows and appending to the ledger.

Stock rows are always changed in ascending id order within a transaction, so two
transactions touching the same rows queue up instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ordermill.db import raw
from ordermill.db.uow import RetryTransaction
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


def levels_for_locations(connection: Connection, location_ids: Iterable[int]) -> list[StockRow]:
    """Every stock row at these locations."""
    location_ids = list(set(location_ids))
    if not location_ids:
        return []
    rows = connection.execute(
        sa.select(stock_levels.c.id, stock_levels.c.product_id, stock_levels.c.location_id,
                  *_LEVEL_COLUMNS).where(stock_levels.c.location_id.in_(location_ids)))
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


# PostgreSQL: a reservation that announces itself. The update and its `inventory.changed`
# (and `inventory.low`, when available falls to the reorder point) outbox rows are one
# statement, built from the row as updated, so intake can send it with its COMMIT and hold the
# row's lock for no round trip. A row without the units divides by zero: the error stops
# everything sent after it in the pipeline, the COMMIT included (see reserved_or_retry).
_RESERVE_ANNOUNCED = raw.RawStatement(
    "WITH after AS (UPDATE stock_levels SET reserved = reserved + :quantity, updated_at = :now "
    "WHERE id = :id AND on_hand - reserved - safety_stock >= :quantity "
    "RETURNING on_hand, reserved, safety_stock, reorder_point, "
    "GREATEST(on_hand - reserved - safety_stock, 0) AS available, "
    "GREATEST(on_hand - reserved + :quantity - safety_stock, 0) AS available_before), "
    "event AS (SELECT CAST(json_build_object('available', available, "
    "'location', CAST(:location AS TEXT), 'on_hand', on_hand, 'reorder_point', reorder_point, "
    "'reserved', reserved, 'safety_stock', safety_stock, 'sku', CAST(:sku AS TEXT)) AS TEXT) "
    "AS payload, available, available_before, reorder_point FROM after), "
    "announced AS (INSERT INTO outbox (topic, payload, created_at, available_at, attempts) "
    "SELECT topic, payload, :now, :now, 0 FROM event, (VALUES (1, 'inventory.changed'), "
    "(2, 'inventory.low')) AS kinds (rank, topic) WHERE rank = 1 OR (available_before > "
    "reorder_point AND available <= reorder_point) ORDER BY rank RETURNING id) "
    "SELECT 1 / (SELECT count(*) FROM after)")
_SHORT = "22012"  # division_by_zero: the sign _RESERVE_ANNOUNCED gives of a short row


@dataclass(frozen=True)
class Reservation:
    level_id: int
    quantity: int
    sku: str
    location: str


def send_announced_reservations(connection: Connection,
                                reservations: Sequence[Reservation]) -> None:
    """PostgreSQL, inside `raw.pipeline` before the COMMIT: reserve in ascending row id, each
    with its events; see `reserved_or_retry` for a row that no longer has the units."""
    now = utcnow()
    for item in sorted(reservations, key=lambda r: r.level_id):
        raw.send(connection, _RESERVE_ANNOUNCED, {
            "id": item.level_id, "quantity": item.quantity, "now": now, "sku": item.sku,
            "location": item.location})


@contextmanager
def reserved_or_retry() -> Iterator[None]:
    """Turn a row found short by `send_announced_reservations` into a retry of the use case,
    which then reads the stock as it is now."""
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _SHORT:
            raise RetryTransaction() from error
        raise


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
