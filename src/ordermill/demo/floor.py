"""The demo merchant's warehouse floors and routing: a layout with a bin for every sku each
location carries, and the web store's routing rules."""

from __future__ import annotations

from collections.abc import Callable

from ordermill.db.uow import UnitOfWork
from ordermill.demo import places
from ordermill.fulfillment.domain import BinFacts, LayoutFacts
from ordermill.fulfillment.service import set_layout
from ordermill.fulfillment.warehouse import Spot
from ordermill.routing.service import set_routing_rules

# (aisles, aisle length m, spacing m, cross aisles): the east hall has a middle cross aisle.
FLOORS = {places.US_EAST: (16, 40.0, 3.2, 3), places.US_WEST: (10, 30.0, 3.0, 2),
          places.STORE: (3, 8.0, 1.8, 2)}
WEB_RULES = {"policy": "ship_complete", "split_penalty": 600,
             "rules": [{"criterion": "fewest_shipments", "weight": 3},
                       {"criterion": "shipping_cost", "weight": 2},
                       {"criterion": "distance", "weight": 2},
                       {"criterion": "performance", "weight": 1},
                       {"criterion": "priority", "weight": 1}]}


def lay_out_floors(unit_of_work: Callable[[], UnitOfWork],
                   carried: dict[str, set[str]]) -> None:
    """Bins in sku order along the aisles, both sides of each: the way a new warehouse is
    often slotted, before anyone moves the fast sellers to the front."""
    for location, (aisles, length, spacing, cross_aisles) in FLOORS.items():
        skus = sorted(carried.get(location, ()))
        per_aisle = max(1, -(-len(skus) // aisles))
        step = length / (per_aisle + 1)
        bins = [BinFacts(f"A{index // per_aisle + 1:02d}-{index % per_aisle + 1:02d}", sku,
                         index // per_aisle, round(step * (index % per_aisle + 1), 2))
                for index, sku in enumerate(skus)]
        set_layout(unit_of_work(), location, LayoutFacts(aisles, length, spacing, cross_aisles,
                                                         Spot(0, 0.0), bins))
    set_routing_rules(unit_of_work(), "web", WEB_RULES)
