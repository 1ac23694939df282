"""The shortest pick route (Ratliff & Rosenthal) against brute force, and its walking order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.warehouse import (
    Aisles,
    Spot,
    largest_gap_length,
    route_length,
    s_shape_length,
)

FRONT = 0.0


def _brute_force(aisles: Aisles, depot: Spot, picks: list[Spot]) -> float:
    return min(route_length(aisles, depot, [picks[i] for i in order])
               for order in itertools.permutations(range(len(picks))))


@st.composite
def _instances(draw: st.DrawFn) -> tuple[Aisles, Spot, list[Spot]]:
    aisles = Aisles(draw(st.integers(1, 6)), draw(st.sampled_from([10.0, 12.5, 30.0])),
                    draw(st.sampled_from([2.0, 3.0, 5.5])))
    def spots() -> st.SearchStrategy[Spot]:
        position = st.one_of(st.sampled_from([FRONT, aisles.length_m]),
                             st.integers(1, int(aisles.length_m * 10) - 1).map(lambda d: d / 10))
        return st.builds(Spot, st.integers(0, aisles.count - 1), position)
    return aisles, draw(spots()), draw(st.lists(spots(), max_size=6))


@settings(max_examples=400, deadline=None)
@given(_instances())
def test_the_route_is_as_short_as_the_best_of_every_order(
        instance: tuple[Aisles, Spot, list[Spot]]) -> None:
    aisles, depot, picks = instance
    route = shortest_route(aisles, depot, picks)
    best = _brute_force(aisles, depot, picks)
    assert route.length_m == pytest.approx(best, abs=1e-9)
    assert sorted(route.order) == list(range(len(picks)))
    assert route_length(aisles, depot, [picks[i] for i in route.order]) == pytest.approx(
        best, abs=1e-9)
    assert s_shape_length(aisles, depot, picks) >= best - 1e-9
    assert largest_gap_length(aisles, depot, picks) >= best - 1e-9


def test_picks_near_the_front_are_reached_from_the_front_where_an_s_shape_walks_through() -> None:
    aisles = Aisles(count=10, length_m=30.0, spacing_m=3.0)
    picks = [Spot(5, 3.0), Spot(2, 3.0), Spot(8, 3.0)]
    route = shortest_route(aisles, Spot(0, FRONT), picks)
    # Along the front to aisle 8 and back, three metres into each aisle and out.
    assert route.length_m == pytest.approx(2 * 24.0 + 3 * 6.0)
    assert route.order in ([1, 0, 2], [2, 0, 1])
    assert s_shape_length(aisles, Spot(0, FRONT), picks) == pytest.approx(2 * 24.0 + 60 + 6)


def test_a_route_inside_one_aisle_turns_at_its_outermost_picks() -> None:
    aisles = Aisles(count=3, length_m=30.0, spacing_m=3.0)
    route = shortest_route(aisles, Spot(1, 12.0), [Spot(1, 8.0), Spot(1, 20.0), Spot(1, 15.0)])
    assert (route.order, route.length_m) == ([2, 1, 0], pytest.approx(24.0))


def test_no_picks_or_picks_at_the_depot_need_no_walk() -> None:
    aisles = Aisles(count=4, length_m=20.0, spacing_m=2.5)
    assert shortest_route(aisles, Spot(0, FRONT), []).length_m == 0
    route = shortest_route(aisles, Spot(3, 7.5), [Spot(3, 7.5), Spot(3, 7.5)])
    assert (route.order, route.length_m) == ([0, 1], 0.0)


@pytest.mark.parametrize("spot", [Spot(4, 1.0), Spot(-1, 1.0), Spot(0, -0.5), Spot(0, 20.5)])
def test_a_spot_off_the_floor_is_refused(spot: Spot) -> None:
    with pytest.raises(ValueError):
        shortest_route(Aisles(count=4, length_m=20.0, spacing_m=2.5), Spot(0, FRONT), [spot])
