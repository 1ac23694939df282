"""Loading and saving orders with their lines, allocations, holds and events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.orders.tables import allocations, order_events, order_holds, order_lines, orders


def order_by_external_id(connection: Connection, channel_id: int, external_id: str) -> Any:
    return connection.execute(sa.select(orders.c.id).where(
        orders.c.channel_id == channel_id, orders.c.external_id == external_id)).scalar()


def lock_order(connection: Connection, order_id: int) -> Any:
    query = sa.select(orders).where(orders.c.id == order_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def insert_order(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(orders.insert().values(**values)
                                  .returning(orders.c.id)).scalar_one())


def insert_lines(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    result = connection.execute(
        order_lines.insert().returning(order_lines.c.id, sort_by_parameter_order=True), rows)
    return [row.id for row in result]


def insert_allocations(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(allocations.insert(), rows)


def lines_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(order_lines).where(order_lines.c.order_id == order_id)
                                   .order_by(order_lines.c.line_number)))


def allocations_of(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(
        sa.select(allocations).where(allocations.c.order_id == order_id,
                                     allocations.c.quantity > 0)
        .order_by(allocations.c.id)))


def reduce_allocation(connection: Connection, allocation_id: int, units: int) -> None:
    connection.execute(allocations.update().where(allocations.c.id == allocation_id)
                       .values(quantity=allocations.c.quantity - units))


def add_cancelled(connection: Connection, line_id: int, units: int) -> None:
    connection.execute(order_lines.update().where(order_lines.c.id == line_id)
                       .values(cancelled_quantity=order_lines.c.cancelled_quantity + units))


def update_order(connection: Connection, order_id: int, values: dict[str, Any]) -> None:
    connection.execute(orders.update().where(orders.c.id == order_id).values(**values))


def append_events(connection: Connection, order_id: int, actor: str, now: datetime,
                  events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    connection.execute(order_events.insert(), [
        {"order_id": order_id, "type": kind, "detail": detail, "actor": actor,
         "occurred_at": now} for kind, detail in events])


def active_holds(connection: Connection, order_id: int) -> list[Any]:
    return list(connection.execute(sa.select(order_holds).where(
        order_holds.c.order_id == order_id, order_holds.c.released_at.is_(None))
        .order_by(order_holds.c.id)))


def insert_hold(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(order_holds.insert().values(**values)
                                  .returning(order_holds.c.id)).scalar_one())


def release_hold(connection: Connection, hold_id: int, actor: str, now: datetime) -> None:
    connection.execute(order_holds.update().where(order_holds.c.id == hold_id)
                       .values(released_by=actor, released_at=now))
