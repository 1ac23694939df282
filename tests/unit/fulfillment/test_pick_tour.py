"""Pick tours through several blocks: the walking distance, exactness for a few stops, and a
tour that always visits every pick once."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.pick_tour import (
    Blocks,
    block_distance,
    held_karp,
    improved_tour,
    shortest_tour,
    tour_length,
)
from ordermill.fulfillment.warehouse import Aisles, Spot

THREE_BLOCKS = Blocks(Aisles(count=6, length_m=30.0, spacing_m=3.0), cross_aisles=4)


@pytest.mark.parametrize(("start", "end", "metres"), [
    (Spot(1, 4.0), Spot(1, 26.0), 22.0),           # along the aisle, across two cross aisles
    (Spot(1, 8.0), Spot(3, 14.0), 6 + 6.0),        # by the cross aisle at 10 m, between them
    (Spot(0, 11.0), Spot(5, 12.0), 15 + 1 + 2.0),  # both just above the one at 10 m
    (Spot(2, 29.0), Spot(4, 28.0), 6 + 1 + 2.0),   # out at the back
])
def test_a_walk_between_aisles_takes_the_cross_aisle_that_costs_least(
        start: Spot, end: Spot, metres: float) -> None:
    assert block_distance(THREE_BLOCKS, start, end) == pytest.approx(metres)


@st.composite
def _instances(draw: st.DrawFn) -> tuple[Blocks, Spot, list[Spot]]:
    aisles = Aisles(draw(st.integers(1, 5)), 20.0, draw(st.sampled_from([2.0, 4.5])))
    blocks = Blocks(aisles, draw(st.integers(2, 5)))
    spots = st.builds(Spot, st.integers(0, aisles.count - 1),
                      st.integers(0, 40).map(lambda half_metres: half_metres / 2))
    return blocks, draw(spots), draw(st.lists(spots, max_size=6))


def _brute_force(blocks: Blocks, depot: Spot, picks: list[Spot]) -> float:
    def walk(order: tuple[Spot, ...]) -> float:
        path = [depot, *order, depot]
        return sum(block_distance(blocks, a, b) for a, b in itertools.pairwise(path))
    return min(walk(order) for order in itertools.permutations(picks))


@settings(max_examples=200, deadline=None)
@given(_instances())
def test_a_tour_of_a_few_picks_is_the_shortest_and_walks_its_own_order(
        instance: tuple[Blocks, Spot, list[Spot]]) -> None:
    blocks, depot, picks = instance
    tour = shortest_tour(blocks, depot, picks)
    assert tour.exact
    assert tour.length_m == pytest.approx(_brute_force(blocks, depot, picks), abs=1e-9)
    assert sorted(tour.order) == list(range(len(picks)))
    path = [depot, *(picks[i] for i in tour.order), depot]
    assert sum(block_distance(blocks, a, b) for a, b in itertools.pairwise(path)) == (
        pytest.approx(tour.length_m, abs=1e-9))


def test_on_a_single_block_the_tour_and_ratliff_rosenthal_agree() -> None:
    rng = random.Random(7)
    for _ in range(40):
        aisles = Aisles(rng.randint(2, 12), 25.0, 3.0)
        depot = Spot(rng.randrange(aisles.count), 0.0)
        picks = [Spot(rng.randrange(aisles.count), round(rng.uniform(0.5, 24.5), 1))
                 for _ in range(8)]
        assert shortest_tour(Blocks(aisles, 2), depot, picks).length_m == pytest.approx(
            shortest_route(aisles, depot, picks).length_m, abs=1e-9)


def test_many_picks_get_a_tour_no_longer_than_its_nearest_neighbour_start() -> None:
    rng = random.Random(11)
    blocks = Blocks(Aisles(15, 40.0, 3.0), cross_aisles=3)
    depot = Spot(0, 0.0)
    picks = [Spot(rng.randrange(15), round(rng.uniform(0, 40), 1)) for _ in range(40)]
    tour = shortest_tour(blocks, depot, picks)
    assert not tour.exact
    assert sorted(tour.order) == list(range(40))
    places = [depot, *sorted(set(picks))]
    distance = [[block_distance(blocks, a, b) for b in places] for a in places]
    greedy, here, left = [], 0, set(range(1, len(places)))
    while left:
        here = min(left, key=lambda place: (distance[here][place], place))
        left.remove(here)
        greedy.append(here)
    assert tour.length_m <= tour_length(distance, greedy)


def test_local_search_finds_the_optimum_of_small_random_tours_most_of_the_time() -> None:
    rng = random.Random(3)
    hits = 0
    for _ in range(30):
        points = [(rng.uniform(0, 50), rng.uniform(0, 50)) for _ in range(9)]
        distance = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in points] for a in points]
        best = tour_length(distance, held_karp(distance))
        found = tour_length(distance, improved_tour(distance))
        assert found >= best - 1e-9
        hits += found <= best + 1e-9
    assert hits >= 20
