"""Where a new order's units go: the routing engine weighs the channel's locations as intake
read them, the decision is kept with the order, and limited locations give up a place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from ordermill.db.uow import RetryTransaction
from ordermill.orders import intake_store as store
from ordermill.orders.domain import OrderInput
from ordermill.routing import engine, places
from ordermill.routing import repository as routing
from ordermill.routing.domain import Demand, RoutePlan, RuleSet
from ordermill.routing.places import Place


@dataclass(frozen=True)
class Routed:
    """The engine's decision with what it was made from."""

    plan: RoutePlan
    places: list[Place]
    rules: RuleSet


def route_order(order: OrderInput, weights: dict[str, int], demands: Sequence[Demand],
                found: store.IntakeReads, now: datetime) -> Routed:
    """The channel's rules applied to its locations, their free stock and today's load.
    `weights`: grams per unit of each sku."""
    free: dict[int, dict[int, int]] = defaultdict(dict)
    for row in found.stock:
        free[row.location_id][row.product_id] = row.level.available
    target = places.destination(order.shipping_address.as_dict())
    grams = sum(weights.get(line.sku, 0) * line.quantity for line in order.lines)
    candidates = [places.candidate(
        place, free.get(place.id, {}), found.loads.get((place.id, places.local_day(place, now)),
                                                       0),
        now, target.country, grams) for place in found.places]
    return Routed(engine.route(demands, target, candidates, found.rules), found.places,
                  found.rules)


def claim_capacity(connection: Connection, routed: Routed, now: datetime) -> None:
    """Each limited location that ships part of the order gives up one of today's places;
    where another order took the last one first, the order is routed again."""
    shippers = {code for _, code, _ in routed.plan.allocations}
    for place in routed.places:
        if place.code in shippers and place.daily_order_limit is not None and not \
                routing.claim_capacity(connection, place.id, places.local_day(place, now),
                                       place.daily_order_limit):
            raise RetryTransaction()


def decision_row(routed: Routed, trigger: str, line_numbers: dict[int, int],
                 now: datetime) -> dict[str, Any]:
    """The decision as routing_decisions keeps it; lines by their number on the order."""
    plan = routed.plan
    return {
        "trigger": trigger, "policy": str(routed.rules.policy),
        "candidates": [{"location": c.location, "excluded_by": c.excluded_by and str(c.excluded_by),
                        "why_excluded": c.why_excluded,
                        "scores": {str(k): round(v, 4) for k, v in c.scores.items()},
                        "total": c.total} for c in plan.considered],
        "allocations": [{"line_number": line_numbers[index], "location": code,
                         "quantity": units} for index, code, units in plan.allocations],
        "short": {str(line_numbers[index]): units for index, units in plan.short.items()},
        "reason": plan.reason[:1000], "decided_at": now,
    }
