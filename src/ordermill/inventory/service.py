"""Use cases that move stock: receipts, adjustments, cycle counts, transfers, stock policy.

Every on-hand change appends a ledger entry in the same transaction, so on-hand always equals
the sum of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ordermill.catalog import repository as catalog
from ordermill.db.uow import UnitOfWork
from ordermill.inventory import repository
from ordermill.inventory.domain import (
    AdjustmentReason,
    Level,
    Movement,
    became_low,
    validate_policy,
    validate_quantity,
)
from ordermill.locations import repository as locations
from ordermill.shared.errors import Conflict, ErrorCollector, FieldError, PermissionDenied
from ordermill.shared.events import AuditEntry, Event, EventSink


@dataclass(frozen=True)
class StockPlace:
    product_id: int
    sku: str
    location_id: int
    location_code: str


def publish_stock_change(sink: EventSink, place: StockPlace, before: Level, after: Level) -> None:
    payload = {"sku": place.sku, "location": place.location_code, "on_hand": after.on_hand,
               "reserved": after.reserved, "safety_stock": after.safety_stock,
               "available": after.available, "reorder_point": after.reorder_point}
    sink.publish(Event("inventory.changed", payload))
    if became_low(before, after):
        sink.publish(Event("inventory.low", payload))


def _place(uow: UnitOfWork, sku: str, location: str, errors: ErrorCollector,
           scope: frozenset[int] | None, field_name: str = "location") -> StockPlace | None:
    product = catalog.product_by_sku(uow.connection, sku)
    found = locations.location_by_code(uow.connection, location)
    if product is None:
        errors.add("sku", f"unknown sku {sku!r}")
    elif product.is_kit:
        errors.add("sku", "a kit has no stock of its own; move its components")
    if found is None:
        errors.add(field_name, f"unknown location {location!r}")
    elif scope is not None and found.id not in scope:
        raise PermissionDenied(f"you do not work at location {location!r}")
    if product is None or found is None or product.is_kit:
        return None
    return StockPlace(product.id, sku, found.id, location)


def _ledger(uow: UnitOfWork, place: StockPlace, movement: Movement, quantity: int,
            after: Level, reason: str | None, reference: tuple[str, str] | None) -> dict[str, Any]:
    return {"product_id": place.product_id, "location_id": place.location_id,
            "movement": str(movement), "quantity": quantity, "on_hand_after": after.on_hand,
            "reason": reason, "actor": uow.actor.label,
            "reference_type": reference[0] if reference else None,
            "reference_id": reference[1] if reference else None}


def _move(uow: UnitOfWork, place: StockPlace, movement: Movement, delta: int,
          reason: str | None, reference: tuple[str, str] | None = None) -> Level:
    level_id = repository.ensure_level(uow.connection, place.product_id, place.location_id)
    after = repository.change_on_hand(uow.connection, level_id, delta)
    if after is None:
        current = repository.lock_level(uow.connection, level_id)
        message = f"only {current.on_hand} of {place.sku} on hand at {place.location_code}"
        raise Conflict(f"{message}; cannot remove {-delta}",
                       errors=[FieldError("quantity", message)])
    before = Level(after.on_hand - delta, after.reserved, after.safety_stock,
                   after.reorder_point)
    repository.append_ledger(uow.connection,
                             [_ledger(uow, place, movement, delta, after, reason, reference)])
    publish_stock_change(uow, place, before, after)
    return after


def write_off(uow: UnitOfWork, place: StockPlace, quantity: int, reason: str,
              reference: tuple[str, str]) -> Level:
    """Units found missing during other work (a short pick): off the shelf and the ledger says
    why, in the caller's transaction."""
    return _move(uow, place, Movement.ADJUSTMENT, -quantity, reason, reference)


def _level_view(place: StockPlace, level: Level) -> dict[str, Any]:
    return {"sku": place.sku, "location": place.location_code, "on_hand": level.on_hand,
            "reserved": level.reserved, "safety_stock": level.safety_stock,
            "reorder_point": level.reorder_point, "available": level.available}


def _check_reason(reason: str | None, errors: ErrorCollector, *, required: bool) -> None:
    if reason is not None and len(reason) > 200:
        errors.add("reason", "at most 200 characters")
    if required and not (reason and reason.strip()):
        errors.add("reason", "say why: " + ", ".join(r.value for r in AdjustmentReason)
                   + " or your own words")


def receive_stock(uow: UnitOfWork, *, sku: str, location: str, quantity: int,
                  reason: str | None = None, reference: str | None = None,
                  scope: frozenset[int] | None = None) -> dict[str, Any]:
    with uow:
        errors = ErrorCollector()
        validate_quantity("quantity", quantity, errors)
        _check_reason(reason, errors, required=False)
        place = _place(uow, sku, location, errors, scope)
        errors.raise_if_any()
        assert place is not None
        ref = ("receipt", reference) if reference else None
        after = _move(uow, place, Movement.RECEIPT, quantity, reason, ref)
        uow.record(AuditEntry("inventory.received", "stock", f"{sku}@{location}",
                              before={"on_hand": after.on_hand - quantity},
                              after={"quantity": quantity, "on_hand": after.on_hand}))
        uow.commit()
        return _level_view(place, after)


def adjust_stock(uow: UnitOfWork, *, sku: str, location: str, quantity: int, reason: str | None,
                 scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Add (positive) or remove (negative) units with a reason: damage, loss, found stock."""
    with uow:
        errors = ErrorCollector()
        validate_quantity("quantity", quantity, errors, allow_negative=True)
        _check_reason(reason, errors, required=True)
        place = _place(uow, sku, location, errors, scope)
        errors.raise_if_any()
        assert place is not None
        after = _move(uow, place, Movement.ADJUSTMENT, quantity, reason)
        uow.record(AuditEntry("inventory.adjusted", "stock", f"{sku}@{location}",
                              before={"on_hand": after.on_hand - quantity},
                              after={"on_hand": after.on_hand, "reason": reason}))
        uow.commit()
        return _level_view(place, after)


def count_stock(uow: UnitOfWork, *, sku: str, location: str, quantity: int,
                reason: str | None = None,
                scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Set on-hand to a counted number; the difference (even zero) becomes a ledger entry."""
    with uow:
        errors = ErrorCollector()
        validate_quantity("quantity", quantity, errors, allow_zero=True)
        _check_reason(reason, errors, required=False)
        place = _place(uow, sku, location, errors, scope)
        errors.raise_if_any()
        assert place is not None
        level_id = repository.ensure_level(uow.connection, place.product_id, place.location_id)
        before = repository.lock_level(uow.connection, level_id)
        after = repository.set_on_hand(uow.connection, level_id, quantity)
        difference = quantity - before.on_hand
        repository.append_ledger(uow.connection, [_ledger(
            uow, place, Movement.COUNT, difference, after, reason or "cycle count", None)])
        publish_stock_change(uow, place, before, after)
        uow.record(AuditEntry("inventory.counted", "stock", f"{sku}@{location}",
                              before={"on_hand": before.on_hand},
                              after={"on_hand": quantity}))
        uow.commit()
        return {**_level_view(place, after), "difference": difference}


def transfer_stock(uow: UnitOfWork, *, sku: str, from_location: str, to_location: str,
                   quantity: int, reason: str | None = None,
                   scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Move units that are not promised to anyone from one location to another."""
    with uow:
        errors = ErrorCollector()
        validate_quantity("quantity", quantity, errors)
        _check_reason(reason, errors, required=False)
        source = _place(uow, sku, from_location, errors, scope, "from_location")
        target = _place(uow, sku, to_location, errors, scope, "to_location")
        if from_location == to_location:
            errors.add("to_location", "must differ from from_location")
        errors.raise_if_any()
        assert source is not None and target is not None
        source_level = repository.ensure_level(uow.connection, source.product_id,
                                               source.location_id)
        target_level = repository.ensure_level(uow.connection, target.product_id,
                                               target.location_id)
        # Lock both rows in id order before touching either (see the module docstring).
        locked = {level_id: repository.lock_level(uow.connection, level_id)
                  for level_id in sorted((source_level, target_level))}
        free = locked[source_level].available
        if free < quantity:
            message = f"only {free} of {sku} free to transfer at {from_location}"
            raise Conflict(message, errors=[FieldError("quantity", message)])
        reference = ("transfer", f"{from_location}->{to_location}")
        after_source = _move(uow, source, Movement.TRANSFER_OUT, -quantity, reason, reference)
        after_target = _move(uow, target, Movement.TRANSFER_IN, quantity, reason, reference)
        # One entry per stock place, so each place's history holds the transfer.
        move = {"from": from_location, "to": to_location, "quantity": quantity}
        for place, level, delta in ((source, after_source, -quantity),
                                    (target, after_target, quantity)):
            uow.record(AuditEntry("inventory.transferred", "stock",
                                  f"{sku}@{place.location_code}",
                                  before={"on_hand": level.on_hand - delta},
                                  after={**move, "on_hand": level.on_hand}))
        uow.commit()
        return {"from": _level_view(source, after_source), "to": _level_view(target, after_target)}


def set_stock_policy(uow: UnitOfWork, *, sku: str, location: str,
                     safety_stock: int | None = None, reorder_point: int | None = None,
                     scope: frozenset[int] | None = None) -> dict[str, Any]:
    with uow:
        errors = ErrorCollector()
        validate_policy(safety_stock, reorder_point, errors)
        place = _place(uow, sku, location, errors, scope)
        if safety_stock is None and reorder_point is None:
            errors.add("safety_stock", "give safety_stock, reorder_point or both")
        errors.raise_if_any()
        assert place is not None
        level_id = repository.ensure_level(uow.connection, place.product_id, place.location_id)
        before = repository.lock_level(uow.connection, level_id)
        values = {k: v for k, v in (("safety_stock", safety_stock),
                                    ("reorder_point", reorder_point)) if v is not None}
        after = repository.set_policy(uow.connection, level_id, values)
        publish_stock_change(uow, place, before, after)
        uow.record(AuditEntry("inventory.policy_changed", "stock", f"{sku}@{location}",
                              before={"safety_stock": before.safety_stock,
                                      "reorder_point": before.reorder_point},
                              after=values))
        uow.commit()
        return _level_view(place, after)

