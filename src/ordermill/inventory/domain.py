"""Rules for stock: what is available, which movements exist, when stock counts as low."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ordermill.shared.errors import ErrorCollector

MAX_QUANTITY = 1_000_000_000


class Movement(StrEnum):
    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"


class AdjustmentReason(StrEnum):
    DAMAGED = "damaged"
    LOST = "lost"
    FOUND = "found"
    EXPIRED = "expired"
    THEFT = "theft"
    CORRECTION = "correction"
    SAMPLE = "sample"
    OTHER = "other"


def available(on_hand: int, reserved: int, safety_stock: int) -> int:
    """What can still be promised; a count below the reserved units never makes it negative."""
    return max(0, on_hand - reserved - safety_stock)


@dataclass(frozen=True)
class Level:
    on_hand: int
    reserved: int
    safety_stock: int
    reorder_point: int

    @property
    def available(self) -> int:
        return available(self.on_hand, self.reserved, self.safety_stock)


def became_low(before: Level, after: Level) -> bool:
    """Low stock fires once, when available goes from above the reorder point to at or below
    it: because stock fell, or because someone raised the reorder point past it."""
    return before.available > before.reorder_point and after.available <= after.reorder_point


def validate_quantity(name: str, quantity: int, errors: ErrorCollector, *,
                      allow_negative: bool = False, allow_zero: bool = False) -> None:
    low = -MAX_QUANTITY if allow_negative else (0 if allow_zero else 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors.add(name, "must be a whole number")
    elif not low <= quantity <= MAX_QUANTITY:
        errors.add(name, f"must be between {low} and {MAX_QUANTITY}")
    elif quantity == 0 and not allow_zero:
        errors.add(name, "must not be zero")


def validate_policy(safety_stock: int | None, reorder_point: int | None,
                    errors: ErrorCollector) -> None:
    if safety_stock is not None:
        validate_quantity("safety_stock", safety_stock, errors, allow_zero=True)
    if reorder_point is not None:
        validate_quantity("reorder_point", reorder_point, errors, allow_zero=True)
