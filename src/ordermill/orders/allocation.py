"""Where each order line's units are reserved, by location id: the routing engine's plan as
the order's writes need it. Pure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ordermill.routing.domain import Demand, RoutePlan


@dataclass
class AllocationPlan:
    allocations: list[tuple[int, int, int]] = field(default_factory=list)  # line, location, units
    short: dict[int, int] = field(default_factory=dict)  # line index -> units not allocated

    def reservations(self, demands: list[Demand]) -> dict[tuple[int, int], int]:
        """(product id, location id) -> units of stock to reserve."""
        by_line = {d.line_index: d for d in demands}
        needed: dict[tuple[int, int], int] = defaultdict(int)
        for line_index, location_id, units in self.allocations:
            for product_id, per_unit in by_line[line_index].parts.items():
                needed[(product_id, location_id)] += units * per_unit
        return dict(needed)


def from_route(route: RoutePlan, location_ids: dict[str, int]) -> AllocationPlan:
    """The engine's plan (by location code) by location id."""
    return AllocationPlan([(line, location_ids[code], units)
                           for line, code, units in route.allocations], dict(route.short))
