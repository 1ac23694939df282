"""Pick routes through layouts with cross aisles in the middle (several blocks), where the
single-block programme of pick_route.py does not apply: the tour over the walking distances,
exact (Held-Karp) for a handful of stops, else improved by 2-opt and or-opt moves until none
helps, from a few starting tours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from ordermill.fulfillment.warehouse import Aisles, Spot, check_spot

EXACT_UP_TO = 9  # stops; Held-Karp's table doubles with each one more


@dataclass(frozen=True)
class Blocks:
    """Aisles crossed by `cross_aisles` evenly spaced cross aisles, the front and back ones
    included (2 is a single block)."""

    aisles: Aisles
    cross_aisles: int

    def cross_positions(self) -> list[float]:
        step = self.aisles.length_m / (self.cross_aisles - 1)
        return [index * step for index in range(self.cross_aisles)]


@dataclass(frozen=True)
class Tour:
    order: list[int]  # indexes of the picks, in walking order
    length_m: float
    exact: bool


def block_distance(blocks: Blocks, start: Spot, end: Spot) -> float:
    """Along one aisle, or over to the other aisle by the cross aisle that costs least."""
    if start.aisle == end.aisle:
        return abs(start.position_m - end.position_m)
    across = abs(blocks.aisles.x(start.aisle) - blocks.aisles.x(end.aisle))
    return across + min(abs(start.position_m - y) + abs(y - end.position_m)
                        for y in blocks.cross_positions())


def shortest_tour(blocks: Blocks, depot: Spot, picks: Sequence[Spot]) -> Tour:
    """A short walk from the depot past every pick and back: the shortest for up to
    EXACT_UP_TO distinct bins."""
    for spot in (depot, *picks):
        check_spot(blocks.aisles, spot)
    stops = sorted(set(picks) - {depot})
    places = [depot, *stops]
    distance = [[block_distance(blocks, a, b) for b in places] for a in places]
    exact = len(stops) <= EXACT_UP_TO
    # A third start, aisle by aisle up and down in turn, as a picker would walk it unaided.
    serpentine = sorted(range(1, len(places)), key=lambda i: (
        places[i].aisle, places[i].position_m * (-1 if places[i].aisle % 2 else 1)))
    visit = held_karp(distance) if exact else improved_tour(distance, [serpentine])
    position = {stop: rank for rank, stop in enumerate([depot] + [stops[i - 1] for i in visit])}
    order = sorted(range(len(picks)), key=lambda i: (position[picks[i]], i))
    return Tour(order, tour_length(distance, visit), exact)


def tour_length(distance: list[list[float]], visit: Sequence[int]) -> float:
    """From place 0 through `visit` and back to place 0."""
    path = [0, *visit, 0]
    return sum(distance[a][b] for a, b in pairwise(path))


def held_karp(distance: list[list[float]]) -> list[int]:
    """The shortest tour from place 0 through all others (their order): O(2^n n^2)."""
    count = len(distance) - 1
    if count == 0:
        return []
    best: dict[tuple[int, int], tuple[float, int]] = {
        (1 << i, i): (distance[0][i + 1], -1) for i in range(count)}
    for size in range(2, count + 1):
        for chosen in combinations(range(count), size):
            mask = sum(1 << i for i in chosen)
            for last in chosen:
                before = mask & ~(1 << last)
                best[(mask, last)] = min((best[(before, k)][0] + distance[k + 1][last + 1], k)
                                         for k in chosen if k != last)
    mask = (1 << count) - 1
    _, last = min((best[(mask, i)][0] + distance[i + 1][0], i) for i in range(count))
    visit = []
    while last != -1:
        visit.append(last + 1)
        mask, last = mask & ~(1 << last), best[(mask, last)][1]
    return visit[::-1]


def improved_tour(distance: list[list[float]],
                  starts: Sequence[list[int]] = ()) -> list[int]:
    """The best of local searches from the nearest-neighbour tour, its mirror, and `starts`."""
    nearest = _nearest_neighbour(distance)
    tours = [_local_search(distance, start) for start in (nearest, nearest[::-1], *starts)]
    return min(tours, key=lambda visit: tour_length(distance, visit))


def _nearest_neighbour(distance: list[list[float]]) -> list[int]:
    left, here, visit = set(range(1, len(distance))), 0, []
    while left:
        here = min(left, key=lambda place: (distance[here][place], place))
        left.remove(here)
        visit.append(here)
    return visit


def _local_search(distance: list[list[float]], visit: list[int]) -> list[int]:
    """2-opt (reverse a stretch) and or-opt (move a run of 1-3 stops) until neither helps."""
    path = [0, *visit, 0]
    improved = True
    while improved:
        improved = _two_opt(distance, path) or _or_opt(distance, path)
    return path[1:-1]


def _two_opt(distance: list[list[float]], path: list[int]) -> bool:
    for i in range(1, len(path) - 2):
        for j in range(i + 1, len(path) - 1):
            a, b, c, d = path[i - 1], path[i], path[j], path[j + 1]
            if distance[a][c] + distance[b][d] < distance[a][b] + distance[c][d] - 1e-9:
                path[i:j + 1] = path[i:j + 1][::-1]
                return True
    return False


def _or_opt(distance: list[list[float]], path: list[int]) -> bool:
    for size in (1, 2, 3):
        for i in range(1, len(path) - size):
            run = path[i:i + size]
            before, after = path[i - 1], path[i + size]
            saved = (distance[before][run[0]] + distance[run[-1]][after]
                     - distance[before][after])
            rest = path[:i] + path[i + size:]
            for j in range(len(rest) - 1):
                a, b = rest[j], rest[j + 1]
                for piece in (run, run[::-1]):
                    added = distance[a][piece[0]] + distance[piece[-1]][b] - distance[a][b]
                    if added < saved - 1e-9:
                        path[:] = rest[:j + 1] + piece + rest[j + 1:]
                        return True
    return False
