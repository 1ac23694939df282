"""Where each order line's units are reserved: the one choice a routing engine will replace.

Pure: given demand and free stock per location, it decides; the service then reserves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ordermill.catalog.domain import kit_units_available


@dataclass(frozen=True)
class LineDemand:
    line_index: int
    units: int
    parts: dict[int, int]  # product id -> units of it in one unit of the line (kits: several)


@dataclass
class AllocationPlan:
    allocations: list[tuple[int, int, int]] = field(default_factory=list)  # line, location, units
    short: dict[int, int] = field(default_factory=dict)  # line index -> units not allocated

    def reservations(self, demands: list[LineDemand]) -> dict[tuple[int, int], int]:
        """(product id, location id) -> units of stock to reserve."""
        by_line = {d.line_index: d for d in demands}
        needed: dict[tuple[int, int], int] = defaultdict(int)
        for line_index, location_id, units in self.allocations:
            for product_id, per_unit in by_line[line_index].parts.items():
                needed[(product_id, location_id)] += units * per_unit
        return dict(needed)


def choose_locations(demands: list[LineDemand], locations: list[int],
                     free: dict[tuple[int, int], int]) -> AllocationPlan:
    """First the single location (in priority order) that can ship every line; otherwise
    fill each line from locations in priority order; what is left is short."""
    for location_id in locations:
        if _ships_complete(demands, location_id, free):
            return AllocationPlan([(d.line_index, location_id, d.units) for d in demands])
    remaining = dict(free)
    plan = AllocationPlan()
    for demand in demands:
        units_left = demand.units
        for location_id in locations:
            if units_left == 0:
                break
            can = kit_units_available(demand.parts, {
                p: remaining.get((p, location_id), 0) for p in demand.parts})
            take = min(can, units_left)
            if take:
                plan.allocations.append((demand.line_index, location_id, take))
                for product_id, per_unit in demand.parts.items():
                    remaining[(product_id, location_id)] -= take * per_unit
                units_left -= take
        if units_left:
            plan.short[demand.line_index] = units_left
    return plan


def _ships_complete(demands: list[LineDemand], location_id: int,
                    free: dict[tuple[int, int], int]) -> bool:
    needed: dict[int, int] = defaultdict(int)
    for demand in demands:
        for product_id, per_unit in demand.parts.items():
            needed[product_id] += demand.units * per_unit
    return all(free.get((p, location_id), 0) >= units for p, units in needed.items())
