"""Use cases that change a placed order: holds, releases and cancellations.

Each locks the order row first, so two people acting on one order take turns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ordermill.db.uow import UnitOfWork
from ordermill.inventory import reservations
from ordermill.orders import fulfillment, repository
from ordermill.orders.domain import ORDER_TRANSITIONS, PREVIOUS, HoldReason, OrderStatus
from ordermill.orders.queries import get_order
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event


@dataclass(frozen=True)
class LineCancellation:
    """Units of one line to cancel, named by the line's id or, when unique, its sku."""

    line_id: int | None = None
    quantity: int | None = None  # None: every open unit of the line
    sku: str | None = None


def _locked_order(uow: UnitOfWork, order_id: int, channel_id: int | None) -> Any:
    order = repository.lock_order(uow.connection, order_id)
    if order is None or (channel_id is not None and order.channel_id != channel_id):
        raise NotFound(f"order {order_id} not found")
    return order


def _finish(uow: UnitOfWork, order: Any, channel_id: int | None, event: Event,
            timeline: tuple[str, dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Save the change to the locked `order` row, with its timeline entry, event and audit."""
    order_id, now = order.id, utcnow()
    repository.update_order(uow.connection, order_id, {**values, "updated_at": now})
    repository.append_events(uow.connection, order_id, uow.actor.label, now, [timeline])
    uow.publish(event)
    uow.record(AuditEntry(event.topic, "order", str(order_id), before={"status": order.status},
                          after={**event.payload, "status": values.get("status", order.status)}))
    view = get_order(uow.connection, order_id, channel_id)
    uow.commit()
    assert view is not None
    return view


def place_hold(uow: UnitOfWork, *, order_id: int, reason: str, note: str | None = None,
               channel_id: int | None = None) -> dict[str, Any]:
    with uow:
        if reason not in set(HoldReason):
            raise ValidationFailed.on("reason", "must be one of " +
                                      ", ".join(r.value for r in HoldReason))
        if note is not None and len(note) > 1000:
            raise ValidationFailed.on("note", "at most 1000 characters")
        order = _locked_order(uow, order_id, channel_id)
        status = ORDER_TRANSITIONS.apply("hold", order.status)
        hold_id = repository.insert_hold(uow.connection, {
            "order_id": order_id, "reason": reason, "note": note,
            "placed_by": uow.actor.label, "placed_at": utcnow()})
        before_hold = order.status_before_hold or order.status
        fulfillment.hold_for_order(uow.connection, uow, order_id)
        payload = {"order_id": order_id, "hold_id": hold_id, "reason": reason, "note": note}
        return _finish(uow, order, channel_id, Event("order.held", payload),
                       ("order.held", payload),
                       {"status": status, "status_before_hold": before_hold})


def release_hold(uow: UnitOfWork, *, order_id: int, hold_id: int,
                 channel_id: int | None = None) -> dict[str, Any]:
    with uow:
        order = _locked_order(uow, order_id, channel_id)
        holds = repository.active_holds(uow.connection, order_id)
        hold = next((h for h in holds if h.id == hold_id), None)
        if hold is None:
            raise NotFound(f"order {order_id} has no active hold {hold_id}")
        target = ORDER_TRANSITIONS.apply("release hold", order.status)
        repository.release_hold(uow.connection, hold_id, uow.actor.label, utcnow())
        values: dict[str, Any] = {}
        if len(holds) == 1 and target == PREVIOUS:
            values = {"status": order.status_before_hold, "status_before_hold": None}
            fulfillment.release_for_order(uow.connection, uow, order_id)
        payload = {"order_id": order_id, "hold_id": hold_id, "reason": hold.reason}
        return _finish(uow, order, channel_id, Event("order.hold_released", payload),
                       ("order.hold_released", payload), values)


def cancel_order(uow: UnitOfWork, *, order_id: int,
                 lines: list[LineCancellation] | None = None, reason: str | None = None,
                 channel_id: int | None = None) -> dict[str, Any]:
    """Cancel the whole order or some units of some lines; their reservations are released
    in the same transaction. Backordered units go first, as they hold no stock."""
    with uow:
        if reason is not None and len(reason) > 500:
            raise ValidationFailed.on("reason", "at most 500 characters")
        order = _locked_order(uow, order_id, channel_id)
        ORDER_TRANSITIONS.apply("cancel" if lines is None else "cancel lines", order.status)
        order_lines = {line.id: line for line in repository.lines_of(uow.connection, order_id)}
        allocations = repository.order_lines_held(uow.connection, order_id)
        allocated: dict[int, int] = defaultdict(int)
        for allocation in allocations:
            allocated[allocation.order_line_id] += allocation.quantity
        wanted = _units_to_cancel(order_lines, allocated, lines)
        released = _release(uow, order_lines, allocated, allocations, wanted)
        for line_id, units in wanted.items():
            repository.add_cancelled(uow.connection, line_id, units)
        fulfillment.cancel_emptied(uow.connection, uow, order_id, reason)
        whole = all(_open_units(line) == wanted.get(line.id, 0) for line in order_lines.values())
        cancelled = {order_lines[i].sku: u for i, u in wanted.items()}
        if whole:
            for hold in repository.active_holds(uow.connection, order_id):
                repository.release_hold(uow.connection, hold.id, uow.actor.label, utcnow())
            payload = {"order_id": order_id, "reason": reason, "lines": cancelled,
                       "released": released}
            return _finish(uow, order, channel_id, Event("order.cancelled", payload),
                           ("order.cancelled", payload),
                           {"status": str(OrderStatus.CANCELLED), "status_before_hold": None})
        payload = {"order_id": order_id, "reason": reason, "lines": cancelled,
                   "released": released}
        return _finish(uow, order, channel_id, Event("order.lines_cancelled", payload),
                       ("order.lines_cancelled", payload), {})


def _open_units(line: Any) -> int:
    """Units that can still be cancelled: neither cancelled nor shipped."""
    return int(line.quantity - line.cancelled_quantity - line.shipped_quantity)


def _named_line(order_lines: dict[int, Any], item: LineCancellation, prefix: str,
                errors: ErrorCollector) -> Any:
    if (item.line_id is None) == (item.sku is None):
        errors.add(prefix, "name the line by line_id or by sku, not both")
        return None
    if item.line_id is not None:
        line = order_lines.get(item.line_id)
        if line is None:
            errors.add(f"{prefix}.line_id", f"order has no line {item.line_id}")
        return line
    matches = [line for line in order_lines.values() if line.sku == item.sku]
    if len(matches) != 1:
        errors.add(f"{prefix}.sku", f"order has no line for {item.sku}" if not matches
                   else f"{item.sku} is on several lines; name the line by line_id")
        return None
    return matches[0]


def _units_to_cancel(order_lines: dict[int, Any], allocated: dict[int, int],
                     requested: list[LineCancellation] | None) -> dict[int, int]:
    if requested is None:
        return {i: _open_units(line) for i, line in order_lines.items() if _open_units(line)}
    errors = ErrorCollector()
    wanted: dict[int, int] = {}
    if not requested:
        errors.add("lines", "name at least one line, or leave lines out to cancel the order")
    for index, item in enumerate(requested):
        line = _named_line(order_lines, item, f"lines.{index}", errors)
        if line is None:
            continue
        open_units = _open_units(line) - wanted.get(line.id, 0)
        units = open_units if item.quantity is None else item.quantity
        if not 1 <= units <= open_units:
            errors.add(f"lines.{index}.quantity",
                       f"between 1 and the {open_units} open units of the line")
            continue
        wanted[line.id] = wanted.get(line.id, 0) + units
    errors.raise_if_any("these lines cannot be cancelled")
    return wanted


def _release(uow: UnitOfWork, order_lines: dict[int, Any], allocated: dict[int, int],
             allocations: list[Any], wanted: dict[int, int]) -> dict[str, int]:
    """Free the stock behind the cancelled units; returns units released per sku."""
    to_release: dict[tuple[int, int], int] = defaultdict(int)
    released_by_sku: dict[str, int] = defaultdict(int)
    for line_id, units in wanted.items():
        line = order_lines[line_id]
        backordered = _open_units(line) - allocated[line_id]
        from_stock = units - min(units, backordered)
        for allocation in reversed([a for a in allocations if a.order_line_id == line_id]):
            if from_stock == 0:
                break
            take = min(from_stock, allocation.quantity)
            repository.change_fulfillment_order_line(uow.connection, allocation.id, quantity=-take)
            for product_id, per_unit in line.parts:
                to_release[(product_id, allocation.location_id)] += take * per_unit
            released_by_sku[line.sku] += take
            from_stock -= take
    reservations.release_reserved(uow.connection, uow, to_release)
    return dict(released_by_sku)
