"""The routing engine's plan as intake writes it: by location id, kits as their components."""

from __future__ import annotations

from ordermill.orders.allocation import AllocationPlan, from_route
from ordermill.routing.domain import Demand, RoutePlan

MUG, LID = 1, 2
EAST, WEST = 10, 20


def test_the_engines_plan_is_kept_by_location_id_with_what_is_short() -> None:
    route = RoutePlan(allocations=[(0, "east", 2), (1, "west", 1)], short={1: 3})

    plan = from_route(route, {"east": EAST, "west": WEST})

    assert plan == AllocationPlan([(0, EAST, 2), (1, WEST, 1)], {1: 3})


def test_a_kit_line_reserves_each_component_times_its_units() -> None:
    demands = [Demand(0, 3, {MUG: 2, LID: 1}), Demand(1, 1, {MUG: 1})]
    plan = AllocationPlan([(0, EAST, 2), (0, WEST, 1), (1, EAST, 1)])

    assert plan.reservations(demands) == {(MUG, EAST): 5, (LID, EAST): 2, (MUG, WEST): 2,
                                          (LID, WEST): 1}
