"""Use cases of the warehouse floor: layouts, and a location rejecting its work. One
transaction each."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ordermill.catalog.repository import products_by_sku
from ordermill.db.uow import UnitOfWork, run_with_retries
from ordermill.fulfillment import repository
from ordermill.fulfillment.domain import LayoutFacts, validate_layout
from ordermill.fulfillment.queries import get_layout
from ordermill.fulfillment.rerouting import GivenBack, reroute
from ordermill.fulfillment.work_queue import get_fulfillment_order
from ordermill.inventory import reservations
from ordermill.locations.repository import codes_by_id, location_by_code
from ordermill.orders import repository as orders
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, FulfillmentStatus
from ordermill.orders.fulfillment import locked_for_change
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event


def set_layout(uow: UnitOfWork, location: str, facts: LayoutFacts) -> dict[str, Any]:
    """Replace the location's floor plan and bins as a whole."""
    with uow:
        place = location_by_code(uow.connection, location)
        if place is None:
            raise NotFound(f"location {location!r} not found")
        errors = ErrorCollector()
        validate_layout(facts, errors)
        known = products_by_sku(uow.connection, {b.sku for b in facts.bins})
        for index, bin_ in enumerate(facts.bins):
            if bin_.sku not in known:
                errors.add(f"bins.{index}.sku", f"unknown sku {bin_.sku!r}")
        errors.raise_if_any()
        before = get_layout(uow.connection, location)
        repository.replace_layout(uow.connection, place.id, {
            "aisle_count": facts.aisle_count, "aisle_length_m": facts.aisle_length_m,
            "aisle_spacing_m": facts.aisle_spacing_m,
            "cross_aisle_count": facts.cross_aisle_count, "depot_aisle": facts.depot.aisle,
            "depot_position_m": facts.depot.position_m, "updated_at": utcnow()},
            [{"product_id": known[b.sku].id, "code": b.code, "aisle": b.aisle,
              "position_m": b.position_m} for b in facts.bins])
        view = get_layout(uow.connection, location)
        assert view is not None
        uow.publish(Event("location.layout_changed", {"location": location,
                                                      "bins": len(facts.bins)}))
        uow.record(AuditEntry("location.layout_set", "location", location,
                              before=_summary(before), after=_summary(view)))
        uow.commit()
        return view


def _summary(layout: dict[str, Any] | None) -> dict[str, Any] | None:
    """The layout without its bins, which may be thousands: the audit log keeps their count."""
    if layout is None:
        return None
    return {**{k: v for k, v in layout.items() if k != "bins"}, "bins": len(layout["bins"])}


def reject_fulfillment_order(uow: UnitOfWork, fulfillment_order_id: int, reason: str,
                             location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """The location will not ship it: its units go back to stock there and the order is routed
    again without that location; the rejection counts against the location's record. Stock
    or a daily place taken meanwhile by someone else sends the whole rejection round again."""
    return run_with_retries(lambda: _reject(uow, fulfillment_order_id, reason, location_scope))


def _reject(uow: UnitOfWork, fulfillment_order_id: int, reason: str,
            location_scope: frozenset[int] | None) -> dict[str, Any]:
    with uow:
        reason = reason.strip()
        if not 1 <= len(reason) <= 500:
            raise ValidationFailed.on("reason", "say why, in 1-500 characters")
        order, row = locked_for_change(uow.connection, fulfillment_order_id, location_scope)
        FULFILLMENT_TRANSITIONS.apply("reject", row.status)
        given = _give_back(uow, row, "rejected_quantity")
        now = utcnow()
        orders.update_fulfillment_orders(uow.connection, [row.id], {
            "status": str(FulfillmentStatus.REJECTED), "rejection_reason": reason,
            "updated_at": now})
        location = codes_by_id(uow.connection, [row.location_id])[row.location_id]
        rejected = {"fulfillment_order_id": row.id, "order_id": order.id,
                    "location": location, "reason": reason}
        uow.publish(Event("fulfillment_order.rejected", rejected))
        outcome = reroute(uow, order, given, "rejected")
        orders.append_events(uow.connection, order.id, uow.actor.label, now, [
            ("fulfillment_order.rejected", rejected), ("order.rerouted", outcome)])
        uow.record(AuditEntry("fulfillment_order.rejected", "fulfillment_order", str(row.id),
                              before={"status": row.status}, after={**rejected, **outcome}))
        view = get_fulfillment_order(uow.connection, row.id)
        uow.commit()
        assert view is not None
        return view


def _give_back(uow: UnitOfWork, row: Any, counter: str) -> list[GivenBack]:
    """Every unit the fulfillment order holds leaves it (into `counter`) and its stock is
    released at the location."""
    lines = {line.id: line for line in orders.lines_of(uow.connection, row.order_id)}
    to_release: dict[tuple[int, int], int] = defaultdict(int)
    given: dict[int, int] = defaultdict(int)
    for line in orders.fulfillment_order_lines_of(uow.connection, row.id):
        if line.quantity == 0:
            continue
        orders.change_fulfillment_order_line(uow.connection, line.id, quantity=-line.quantity,
                                             **{counter: line.quantity})
        given[line.order_line_id] += line.quantity
        for product_id, per_unit in lines[line.order_line_id].parts:
            to_release[(product_id, row.location_id)] += line.quantity * per_unit
    reservations.release_reserved(uow.connection, uow, to_release)
    return [GivenBack(line_id, units) for line_id, units in given.items()]
