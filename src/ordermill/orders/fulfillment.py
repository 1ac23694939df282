"""What happens to an order's fulfillment orders when the order itself changes: holds,
releases, cancellations. Each runs inside the caller's transaction, on rows it has locked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from ordermill.orders import repository
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, PREVIOUS, FulfillmentStatus
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import NotFound
from ordermill.shared.events import Event, EventSink


def _move(connection: Connection, events: EventSink, rows: Sequence[Any], action: str,
          topic: str, extra: dict[str, Any] | None = None) -> None:
    now = utcnow()
    for row in rows:
        current = str(row.status)
        target = FULFILLMENT_TRANSITIONS.apply(action, current)
        values: dict[str, Any] = {"status": target, "updated_at": now}
        if action == "hold":
            values["status_before_hold"] = current
        elif target == PREVIOUS:
            values = {"status": row.status_before_hold, "status_before_hold": None,
                      "updated_at": now}
        repository.update_fulfillment_orders(connection, [row.id], values)
        events.publish(Event(topic, {"fulfillment_order_id": row.id, "order_id": row.order_id,
                                     "status": values["status"], **(extra or {})}))


def hold_for_order(connection: Connection, events: EventSink, order_id: int) -> None:
    """The order went on hold: its fulfillment orders wait, marked on hold in their work
    queues, and no pick list takes them until the hold is released."""
    rows = [row for row in repository.fulfillment_orders_of(connection, order_id)
            if FULFILLMENT_TRANSITIONS.allows("hold", row.status)]
    _move(connection, events, rows, "hold", "fulfillment_order.held")


def release_for_order(connection: Connection, events: EventSink, order_id: int) -> None:
    """The order's last hold was released: its fulfillment orders go back where they were."""
    rows = [row for row in repository.fulfillment_orders_of(connection, order_id)
            if row.status == FulfillmentStatus.ON_HOLD]
    _move(connection, events, rows, "release hold", "fulfillment_order.released")


def cancel_emptied(connection: Connection, events: EventSink, order_id: int,
                   reason: str | None) -> None:
    """Cancellation took every unit a fulfillment order held: cancel that fulfillment order."""
    active = [row for row in repository.fulfillment_orders_of(connection, order_id)
              if FULFILLMENT_TRANSITIONS.allows("cancel", row.status)]
    emptied = set(repository.emptied(connection, [row.id for row in active]))
    _move(connection, events, [row for row in active if row.id in emptied], "cancel",
          "fulfillment_order.cancelled", {"reason": reason})


def locked_for_change(connection: Connection, fulfillment_order_id: int,
                      location_scope: frozenset[int] | None) -> tuple[Any, Any]:
    """The order, then its fulfillment order, locked in that order (as cancellations take
    them), or 404 unless it exists and the caller may see its location."""
    found = repository.fulfillment_order(connection, fulfillment_order_id)
    if found is None or (location_scope is not None and found.location_id not in location_scope):
        raise NotFound(f"fulfillment order {fulfillment_order_id} not found")
    order = repository.lock_order(connection, found.order_id)
    return order, repository.lock_fulfillment_order(connection, fulfillment_order_id)
