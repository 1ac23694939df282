"""Recording orders that were placed and fulfilled before ordermill knew them (imports, demo).

They pass intake's checks, totals and customer matching, but their goods left long ago: they
reserve no stock and are stored completed, with the time they were really placed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ordermill.db import raw
from ordermill.db.uow import UnitOfWork, run_with_retries
from ordermill.orders import repository
from ordermill.orders.domain import ORDER_TRANSITIONS, OrderInput, OrderStatus, order_totals
from ordermill.orders.intake import (
    OrderCatalog,
    active_channel,
    check_order,
    created_entry,
    customer_of,
    line_rows,
    order_values,
    order_view,
    placed_once,
    read_for,
)
from ordermill.orders.intake_store import Catalog
from ordermill.orders.queries import get_order
from ordermill.shared.clock import as_utc, utcnow
from ordermill.shared.errors import ErrorCollector, FieldError, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

MAX_ORDERS_PER_CALL = 1000


@dataclass(frozen=True)
class RecordedOrder:
    order: dict[str, Any]
    created: bool


def record_past_orders(uow: UnitOfWork, orders: Sequence[OrderInput]) -> list[RecordedOrder]:
    """Record completed past orders, all or none; one already recorded (same channel and
    external id) is returned as it is. Errors name the failing order: `orders.3.lines.0.sku`."""
    return run_with_retries(lambda: _record(uow, orders))


def _record(uow: UnitOfWork, orders: Sequence[OrderInput]) -> list[RecordedOrder]:
    with uow:
        if not 1 <= len(orders) <= MAX_ORDERS_PER_CALL:
            raise ValidationFailed.on("orders", f"record 1 to {MAX_ORDERS_PER_CALL} orders a call")
        connection, now = uow.connection, utcnow()
        seen: set[tuple[int, str]] = set()
        recorded: list[RecordedOrder] = []
        for index, order in enumerate(orders):
            with _numbered(index):
                found = read_for(connection, order)
                channel = active_channel(found.channel, order.channel)
                if channel.existing_order_id is not None:
                    view = get_order(connection, channel.existing_order_id)
                    assert view is not None
                    recorded.append(RecordedOrder(view, created=False))
                    continue
                known, placed_at = _checked(order, found.catalog, channel, seen, now)
            view = _write(uow, order, placed_at, channel, known, now)
            recorded.append(RecordedOrder(view, created=True))
        created = [r.order["id"] for r in recorded if r.created]
        if created:
            uow.publish(Event("orders.imported", {"order_ids": created}))
        uow.commit()
        return recorded


@contextmanager
def _numbered(index: int) -> Iterator[None]:
    """Name the failing order in a failure, so a caller fixes the right one."""
    try:
        yield
    except ValidationFailed as error:
        raise ValidationFailed(
            f"order {index}: {error.detail}",
            errors=[FieldError(f"orders.{index}.{e.field}", e.message) for e in error.errors],
        ) from error


def _checked(order: OrderInput, catalog: Catalog, channel: Any,
             seen: set[tuple[int, str]], now: datetime) -> tuple[OrderCatalog, datetime]:
    """Intake's checks, plus what a past order needs: a placing time that has passed."""
    errors = ErrorCollector()
    if (channel.id, order.external_id) in seen:
        errors.add("external_id", "listed twice in this call")
    seen.add((channel.id, order.external_id))
    known = check_order(order, catalog, errors)
    placed_at = None if order.placed_at is None else as_utc(order.placed_at)
    if placed_at is None:
        errors.add("placed_at", "a past order needs the time it was placed")
    elif placed_at > now:
        errors.add("placed_at", "must not be in the future")
    errors.raise_if_any()
    assert placed_at is not None  # a missing one was refused just above
    return known, placed_at


def _write(uow: UnitOfWork, order: OrderInput, placed_at: datetime, channel: Any,
           known: OrderCatalog, now: datetime) -> dict[str, Any]:
    totals = order_totals(order.lines, order.shipping_price)
    status = ORDER_TRANSITIONS.apply("import as completed", OrderStatus.PENDING)
    values = order_values(order, channel, status, totals, now)
    lines = line_rows(order, known, shipped=True)
    with placed_once(), raw.pipeline(uow.connection):
        # The customer was first seen when they placed the order, not when it was imported.
        inserted = repository.insert_new_order(
            uow.connection, customer_of(order, placed_at), values, lines, [], [], [],
            uow.actor.label,
            [created_entry(channel, order, totals), ("order.completed", {"imported": True})],
            events_at=placed_at)
    new = inserted.value()
    view = order_view(order, channel, {**values, "id": new.id, "customer_id": new.customer_id},
                      lines, {})
    uow.record(AuditEntry("order.imported", "order", str(new.id), after={
        "number": view["number"], "channel": channel.code, "external_id": order.external_id,
        "total": totals.total, "placed_at": view["placed_at"]}))
    return view
