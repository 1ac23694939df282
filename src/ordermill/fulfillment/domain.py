"""Rules for a location's floor plan: its aisles and cross aisles, the depot, and the bin of
each sku there (see warehouse.py for the geometry a picker walks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ordermill.fulfillment.warehouse import Aisles, Spot
from ordermill.shared.errors import ErrorCollector

BIN_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./]{0,39}$")
MAX_AISLES = 500
MAX_METRES = 1000.0
MAX_BINS = 20_000


@dataclass(frozen=True)
class BinFacts:
    code: str
    sku: str
    aisle: int
    position_m: float


@dataclass(frozen=True)
class LayoutFacts:
    aisle_count: int
    aisle_length_m: float
    aisle_spacing_m: float
    cross_aisle_count: int = 2
    depot: Spot = field(default_factory=lambda: Spot(0, 0.0))
    bins: list[BinFacts] = field(default_factory=list)

    @property
    def aisles(self) -> Aisles:
        return Aisles(self.aisle_count, self.aisle_length_m, self.aisle_spacing_m)

    @property
    def is_single_block(self) -> bool:
        return self.cross_aisle_count == 2


def validate_layout(facts: LayoutFacts, errors: ErrorCollector) -> None:
    """Everything but whether the skus exist (the caller knows the catalog)."""
    if not 1 <= facts.aisle_count <= MAX_AISLES:
        errors.add("aisle_count", f"must be between 1 and {MAX_AISLES}")
    for name in ("aisle_length_m", "aisle_spacing_m"):
        if not 0 < getattr(facts, name) <= MAX_METRES:
            errors.add(name, f"must be more than 0 and at most {MAX_METRES:g}")
    if not 2 <= facts.cross_aisle_count <= 50:
        errors.add("cross_aisle_count", "2 (front and back) to 50")
    if errors.errors:
        return
    _check_spot(facts, facts.depot, "depot", errors)
    if len(facts.bins) > MAX_BINS:
        errors.add("bins", f"at most {MAX_BINS} bins")
        return
    _check_bins(facts, errors)


def _check_spot(facts: LayoutFacts, spot: Spot, name: str, errors: ErrorCollector) -> None:
    if not 0 <= spot.aisle < facts.aisle_count:
        errors.add(f"{name}.aisle", f"must be between 0 and {facts.aisle_count - 1}")
    if not 0 <= spot.position_m <= facts.aisle_length_m:
        errors.add(f"{name}.position_m", f"must be between 0 and {facts.aisle_length_m:g}")


def _check_bins(facts: LayoutFacts, errors: ErrorCollector) -> None:
    skus: set[str] = set()
    places: dict[str, Spot] = {}
    for index, bin_ in enumerate(facts.bins):
        name = f"bins.{index}"
        if not BIN_CODE.match(bin_.code):
            errors.add(f"{name}.code", "1-40 letters, digits or '_-./', starting with a letter "
                                       "or digit")
        spot = Spot(bin_.aisle, bin_.position_m)
        _check_spot(facts, spot, name, errors)
        if bin_.sku in skus:
            errors.add(f"{name}.sku", f"{bin_.sku} already has a bin in this layout")
        skus.add(bin_.sku)
        if places.setdefault(bin_.code, spot) != spot:
            errors.add(f"{name}.code", f"bin {bin_.code} is listed at two places")
