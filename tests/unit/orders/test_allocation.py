"""Choosing where each order line's units come from: one complete location first, otherwise
a split by priority, kits limited by their scarcest component, the rest short."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from ordermill.orders.allocation import AllocationPlan, LineDemand, choose_locations

MUG, LID, SLEEVE = 101, 102, 103
EAST, WEST, NORTH = 1, 2, 3


def _mugs(line_index: int, units: int) -> LineDemand:
    return LineDemand(line_index, units, {MUG: 1})


def _gift_sets(line_index: int, units: int) -> LineDemand:
    """A kit of two mugs and one lid."""
    return LineDemand(line_index, units, {MUG: 2, LID: 1})


def test_the_first_location_by_priority_that_ships_everything_takes_the_whole_order() -> None:
    demands = [_mugs(0, 2), LineDemand(1, 1, {LID: 1})]
    free = {(MUG, EAST): 5, (LID, EAST): 5, (MUG, WEST): 5, (LID, WEST): 5}

    plan = choose_locations(demands, [WEST, EAST], free)

    assert plan == AllocationPlan([(0, WEST, 2), (1, WEST, 1)], {})


def test_a_complete_location_wins_over_a_split_even_if_it_comes_later() -> None:
    demands = [_mugs(0, 2), LineDemand(1, 1, {LID: 1})]
    free = {(MUG, EAST): 5, (MUG, WEST): 2, (LID, WEST): 1}

    plan = choose_locations(demands, [EAST, WEST], free)

    assert plan == AllocationPlan([(0, WEST, 2), (1, WEST, 1)], {})


def test_without_a_complete_location_each_line_is_split_by_priority() -> None:
    demands = [_mugs(0, 5), LineDemand(1, 2, {LID: 1})]
    free = {(MUG, EAST): 3, (MUG, WEST): 4, (LID, WEST): 1, (LID, NORTH): 6}

    plan = choose_locations(demands, [EAST, WEST, NORTH], free)

    assert plan == AllocationPlan([(0, EAST, 3), (0, WEST, 2), (1, WEST, 1), (1, NORTH, 1)], {})


def test_a_split_stops_at_the_first_locations_that_cover_the_line() -> None:
    free = {(MUG, EAST): 1, (MUG, WEST): 1, (MUG, NORTH): 10, (LID, NORTH): 0}
    demands = [_mugs(0, 2), LineDemand(1, 1, {LID: 1})]

    plan = choose_locations(demands, [EAST, WEST, NORTH], free)

    assert plan.allocations == [(0, EAST, 1), (0, WEST, 1)]
    assert plan.short == {1: 1}


def test_a_kit_is_limited_by_its_scarcest_component_at_one_location() -> None:
    free = {(MUG, EAST): 10, (LID, EAST): 2}

    plan = choose_locations([_gift_sets(0, 3)], [EAST], free)

    assert plan == AllocationPlan([(0, EAST, 2)], {0: 1})
    assert plan.reservations([_gift_sets(0, 3)]) == {(MUG, EAST): 4, (LID, EAST): 2}


def test_a_kit_is_never_assembled_from_components_at_two_locations() -> None:
    free = {(MUG, EAST): 2, (LID, WEST): 1}

    plan = choose_locations([_gift_sets(0, 1)], [EAST, WEST], free)

    assert plan == AllocationPlan([], {0: 1})


def test_a_kit_and_a_loose_component_must_both_fit_for_a_location_to_ship_complete() -> None:
    demands = [_mugs(0, 1), _gift_sets(1, 1)]
    free = {(MUG, EAST): 2, (LID, EAST): 1, (MUG, WEST): 3, (LID, WEST): 1}

    plan = choose_locations(demands, [EAST, WEST], free)

    assert plan == AllocationPlan([(0, WEST, 1), (1, WEST, 1)], {})


def test_units_no_location_has_are_short_on_their_line() -> None:
    demands = [_mugs(0, 4), LineDemand(1, 3, {SLEEVE: 1})]
    free = {(MUG, EAST): 1, (MUG, WEST): 1}

    plan = choose_locations(demands, [EAST, WEST], free)

    assert plan == AllocationPlan([(0, EAST, 1), (0, WEST, 1)], {0: 2, 1: 3})


def test_a_channel_without_locations_leaves_every_line_short() -> None:
    plan = choose_locations([_mugs(0, 2), _gift_sets(1, 1)], [], {(MUG, EAST): 9})

    assert plan == AllocationPlan([], {0: 2, 1: 1})


def test_two_lines_of_one_sku_share_the_free_stock() -> None:
    demands = [_mugs(0, 2), _mugs(1, 2)]

    plan = choose_locations(demands, [EAST], {(MUG, EAST): 3})

    assert plan == AllocationPlan([(0, EAST, 2), (1, EAST, 1)], {1: 1})
    assert plan.reservations(demands) == {(MUG, EAST): 3}


def test_the_free_stock_given_is_left_untouched() -> None:
    free = {(MUG, EAST): 3, (MUG, WEST): 3}

    choose_locations([_mugs(0, 5)], [EAST, WEST], free)

    assert free == {(MUG, EAST): 3, (MUG, WEST): 3}


PRODUCTS = (MUG, LID, SLEEVE)
LOCATIONS = (EAST, WEST, NORTH)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[LineDemand], list[int], dict[tuple[int, int], int]]:
    """Some lines (simple or kit) and some free stock at a shuffled list of locations."""
    line_count = draw(st.integers(min_value=1, max_value=5))
    demands = []
    for index in range(line_count):
        parts = draw(st.dictionaries(st.sampled_from(PRODUCTS),
                                     st.integers(min_value=1, max_value=3),
                                     min_size=1, max_size=3))
        demands.append(LineDemand(index, draw(st.integers(min_value=1, max_value=10)), parts))
    locations = draw(st.permutations(LOCATIONS).flatmap(
        lambda order: st.integers(min_value=0, max_value=3).map(lambda n: list(order[:n]))))
    free = draw(st.dictionaries(st.tuples(st.sampled_from(PRODUCTS), st.sampled_from(LOCATIONS)),
                                st.integers(min_value=0, max_value=12)))
    return demands, locations, free


@given(worlds())
def test_never_more_is_reserved_than_is_free_at_any_location(
        world: tuple[list[LineDemand], list[int], dict[tuple[int, int], int]]) -> None:
    demands, locations, free = world

    plan = choose_locations(demands, locations, free)

    for (product_id, location_id), units in plan.reservations(demands).items():
        assert location_id in locations
        assert units <= free.get((product_id, location_id), 0)


@given(worlds())
def test_every_demanded_unit_is_either_allocated_or_short(
        world: tuple[list[LineDemand], list[int], dict[tuple[int, int], int]]) -> None:
    demands, locations, free = world

    plan = choose_locations(demands, locations, free)

    allocated: dict[int, int] = defaultdict(int)
    for line_index, _location, units in plan.allocations:
        assert units > 0
        allocated[line_index] += units
    for demand in demands:
        assert allocated[demand.line_index] + plan.short.get(demand.line_index, 0) == demand.units
    assert all(units > 0 for units in plan.short.values())


@given(worlds())
def test_when_some_location_can_ship_everything_the_first_such_one_ships_it_all(
        world: tuple[list[LineDemand], list[int], dict[tuple[int, int], int]]) -> None:
    demands, locations, free = world
    needed: dict[int, int] = defaultdict(int)
    for demand in demands:
        for product_id, per_unit in demand.parts.items():
            needed[product_id] += demand.units * per_unit
    complete = [loc for loc in locations
                if all(free.get((p, loc), 0) >= units for p, units in needed.items())]

    plan = choose_locations(demands, locations, free)

    if complete:
        assert plan == AllocationPlan([(d.line_index, complete[0], d.units) for d in demands])
    else:
        assert len({location for _line, location, _units in plan.allocations}) != 1 or plan.short
