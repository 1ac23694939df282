"""What-if routing: a period's orders replayed, in the order they came, against a rule set and
a starting stock, each taking what its plan reserves. Pure; the same replay for the live and a
draft rule set shows what the draft would change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ordermill.routing.domain import (
    Candidate,
    Demand,
    Destination,
    RuleSet,
    haversine_km,
)
from ordermill.routing.engine import route


@dataclass(frozen=True)
class PastOrder:
    order_id: int
    demands: tuple[Demand, ...]
    destination: Destination
    grams: int = 0


@dataclass
class Outcome:
    """How a rule set would have served the period."""

    orders: int = 0
    split_orders: int = 0
    shipments: int = 0
    distance_km: float = 0.0  # over shipments whose location and destination have coordinates
    measured_shipments: int = 0
    shipping_cost: int = 0  # minor units, over shipments whose location has rates
    unserved_orders: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "orders": self.orders, "shipments": self.shipments,
            "split_rate": round(self.split_orders / self.orders, 4) if self.orders else 0.0,
            "average_distance_km": round(self.distance_km / self.measured_shipments, 1)
            if self.measured_shipments else None,
            "estimated_shipping_cost": self.shipping_cost,
            "unserved_orders": len(self.unserved_orders),
            "unserved_order_ids": self.unserved_orders[:100],
        }


# A location's candidate for one order, given what is still free there in the replay.
CandidateFor = Callable[[str, dict[int, int], PastOrder], Candidate]


def replay(orders: Sequence[PastOrder], rules: RuleSet, stock: dict[str, dict[int, int]],
           candidate_for: CandidateFor) -> Outcome:
    """Route every order in turn; each plan takes its units from the replay's stock."""
    free = {location: dict(units) for location, units in stock.items()}
    outcome = Outcome()
    for order in orders:
        candidates = [candidate_for(location, units, order) for location, units in free.items()]
        plan = route(order.demands, order.destination, candidates, rules)
        by_code = {c.location: c for c in candidates}
        by_line = {d.line_index: d for d in order.demands}
        shippers = sorted({location for _, location, _ in plan.allocations})
        for line, location, units in plan.allocations:
            for product, per_unit in by_line[line].parts.items():
                free[location][product] = free[location].get(product, 0) - units * per_unit
        outcome.orders += 1
        outcome.shipments += len(shippers)
        outcome.split_orders += len(shippers) > 1
        if plan.short or plan.held:
            outcome.unserved_orders.append(order.order_id)
        for location in shippers:
            _measure(outcome, by_code[location], order.destination)
    return outcome


def _measure(outcome: Outcome, shipper: Candidate, destination: Destination) -> None:
    if shipper.coordinates is not None and destination.coordinates is not None:
        outcome.distance_km += haversine_km(shipper.coordinates, destination.coordinates)
        outcome.measured_shipments += 1
    if shipper.shipping_cost is not None:
        outcome.shipping_cost += shipper.shipping_cost
