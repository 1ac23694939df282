"""The shortest pick route through a single-block warehouse, by the dynamic programme of
Ratliff & Rosenthal (1983): exact, and linear in the number of aisles.

The route is built as a multiset of edges, aisle by aisle from left to right. After each step
only the cheapest partial route is kept for every way its two newest aisle ends can look: the
degree of each end (none, odd, even) and whether its edges hang together in one piece or two.
A route is then a connected graph with only even degrees, walked as one circuit from the depot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, product

from ordermill.fulfillment.warehouse import Aisles, Spot, check_spot

NONE, ODD, EVEN = 0, 1, 2
State = tuple[int, int, int]  # degree of the front end, of the back end, pieces (0, 1 or 2)
START: State = (NONE, NONE, 0)
# How a route may use one aisle: degrees it adds to the front and back ends, whether it joins
# them. Ratliff & Rosenthal show an optimal route needs no other way.
WAYS = {
    "none": (0, 0, False),
    "through": (1, 1, True),
    "through twice": (2, 2, True),
    "from front": (2, 0, False),  # in and out at the front, as far as the farthest pick
    "from back": (0, 2, False),
    "both ends": (2, 2, False),  # in from each end, leaving out the largest gap between picks
}
Vertex = tuple[str, int, float]
INFINITE = float("inf")


@dataclass(frozen=True)
class PickRoute:
    order: list[int]  # indexes of the picks, in walking order
    length_m: float


def _degree(degree: int, added: int) -> int:
    if added == 0:
        return degree
    odd = (degree == ODD) + added
    return ODD if odd % 2 else EVEN


def _pieces(front: int, back: int, joined: bool) -> int:
    if front == NONE and back == NONE:
        return 0
    return 2 if front != NONE and back != NONE and not joined else 1


def _joined(state: State) -> bool:
    front, back, pieces = state
    return pieces == 1 and front != NONE and back != NONE


def _cross(state: State, front_edges: int, back_edges: int) -> State | None:
    """The ends of the next aisle once the cross aisles to it carry these edges; None when the
    ends left behind would keep an odd degree or a piece of the route would be cut off."""
    front, back, pieces = state
    if ((front == ODD) + front_edges) % 2 or ((back == ODD) + back_edges) % 2:
        return None
    goes_on = {0: True,
               1: (front != NONE and front_edges > 0) or (back != NONE and back_edges > 0),
               2: front_edges > 0 and back_edges > 0}[pieces]
    if not goes_on:
        return None
    joined = front_edges > 0 and back_edges > 0 and _joined(state)
    new_front, new_back = _degree(NONE, front_edges), _degree(NONE, back_edges)
    return new_front, new_back, _pieces(new_front, new_back, joined)


def _along(state: State, way: str) -> State:
    to_front, to_back, joins = WAYS[way]
    front, back = _degree(state[0], to_front), _degree(state[1], to_back)
    return front, back, _pieces(front, back, _joined(state) or joins)


_STATES = list(product((NONE, ODD, EVEN), (NONE, ODD, EVEN), (0, 1, 2)))
CROSSINGS = {state: [(f, b, after) for f, b in product(range(3), repeat=2)
                     if (after := _cross(state, f, b)) is not None] for state in _STATES}
ALONG = {state: {way: _along(state, way) for way in WAYS} for state in _STATES}


@dataclass(frozen=True)
class _Aisle:
    """What one aisle asks of the route: its picks inside, and whether an end is a pick."""

    inside: list[float]
    front_needed: bool
    back_needed: bool

    def ways(self, length: float) -> dict[str, float]:
        if not self.inside:
            return {"none": 0.0, "through": length, "through twice": 2 * length}
        ways = {"through": length, "through twice": 2 * length,
                "from front": 2 * self.inside[-1], "from back": 2 * (length - self.inside[0])}
        if len(self.inside) > 1:
            ways["both ends"] = 2 * (length - self.largest_gap()[1])
        return ways

    def largest_gap(self) -> tuple[int, float]:
        """The gap between neighbouring picks inside (index of the upper one) left out."""
        return max(((i, self.inside[i] - self.inside[i - 1])
                    for i in range(1, len(self.inside))), key=lambda gap: gap[1])


def shortest_route(aisles: Aisles, depot: Spot, picks: Sequence[Spot]) -> PickRoute:
    """The shortest walk from the depot past every pick and back, and the picks' order on it."""
    for spot in (depot, *picks):
        check_spot(aisles, spot)
    if all(_vertex(aisles, p) == _vertex(aisles, depot) for p in picks):
        return PickRoute(list(range(len(picks))), 0.0)
    needs = _needs(aisles, [depot, *picks])
    first, last = min(needs), max(needs)
    length, choices = _solve(aisles, needs, first, last)
    if first == last and not (needs[first].front_needed or needs[first].back_needed):
        # Everything lies inside one aisle: the walk between its outermost spots may be
        # shorter than any that turns at an end (the depot is not always at one).
        inside = needs[first].inside
        if 2 * (inside[-1] - inside[0]) < length:
            order = sorted(range(len(picks)), key=lambda i: (picks[i].position_m, i))
            below = [i for i in order if picks[i].position_m < depot.position_m]
            above = [i for i in order if picks[i].position_m >= depot.position_m]
            return PickRoute(above + below[::-1], 2 * (inside[-1] - inside[0]))
    edges = _edges(aisles, needs, first, choices)
    return PickRoute(_walking_order(aisles, depot, picks, edges), length)


def _needs(aisles: Aisles, spots: list[Spot]) -> dict[int, _Aisle]:
    inside: dict[int, set[float]] = defaultdict(set)
    ends: dict[int, set[str]] = defaultdict(set)
    for spot in spots:
        if spot.position_m == 0:
            ends[spot.aisle].add("front")
        elif spot.position_m == aisles.length_m:
            ends[spot.aisle].add("back")
        else:
            inside[spot.aisle].add(spot.position_m)
    return {aisle: _Aisle(sorted(inside[aisle]), "front" in ends[aisle], "back" in ends[aisle])
            for aisle in set(inside) | set(ends)}


Step = tuple[State, str, int, int]  # state before, way along the aisle, edges crossed into it


def _solve(aisles: Aisles, needs: dict[int, _Aisle], first: int,
           last: int) -> tuple[float, list[str | tuple[int, int]]]:
    """The cheapest route's length, and per aisle the edges crossed into it and its way."""
    empty = _Aisle([], False, False)
    best: dict[State, float] = {}
    steps: list[dict[State, Step]] = []
    for aisle in range(first, last + 1):
        ways = needs.get(aisle, empty).ways(aisles.length_m)
        entered = _enter(aisles, best, needs.get(aisle - 1, empty)) if best else {
            START: (0.0, (START, 0, 0))}
        best, chosen = {}, {}
        for state, (cost, (before, front, back)) in entered.items():
            along = ALONG[state]
            for way, extra in ways.items():
                after, total = along[way], cost + extra
                if total < best.get(after, INFINITE):
                    best[after] = total
                    chosen[after] = (before, way, front, back)
        steps.append(chosen)
    final = min((cost, state) for state, cost in best.items() if _closes(state, needs[last]))
    return final[0], _backtrack(steps, final[1])


def _enter(aisles: Aisles, best: dict[State, float],
           left: _Aisle) -> dict[State, tuple[float, tuple[State, int, int]]]:
    entered: dict[State, tuple[float, tuple[State, int, int]]] = {}
    spacing, unvisited = aisles.spacing_m, (INFINITE,)
    for state, cost in best.items():
        front_unvisited = left.front_needed and state[0] == NONE
        back_unvisited = left.back_needed and state[1] == NONE
        for front, back, after in CROSSINGS[state]:
            if (front_unvisited and not front) or (back_unvisited and not back):
                continue
            total = cost + (front + back) * spacing
            if total < entered.get(after, unvisited)[0]:
                entered[after] = (total, (state, front, back))
    return entered


def _closes(state: State, need: _Aisle) -> bool:
    front, back, pieces = state
    return (pieces == 1 and ODD not in (front, back)
            and not (need.front_needed and front == NONE)
            and not (need.back_needed and back == NONE))


def _backtrack(steps: list[dict[State, Step]], state: State) -> list[str | tuple[int, int]]:
    choices: list[str | tuple[int, int]] = []
    for chosen in reversed(steps):
        before, way, front, back = chosen[state]
        choices[:0] = [(front, back), way]
        state = before
    return choices


def _vertex(aisles: Aisles, spot: Spot) -> Vertex:
    if spot.position_m == 0:
        return ("front", spot.aisle, 0.0)
    if spot.position_m == aisles.length_m:
        return ("back", spot.aisle, 0.0)
    return ("pick", spot.aisle, spot.position_m)


def _edges(aisles: Aisles, needs: dict[int, _Aisle], first: int,
           choices: list[str | tuple[int, int]]) -> list[tuple[Vertex, Vertex]]:
    edges: list[tuple[Vertex, Vertex]] = []
    for offset in range(0, len(choices), 2):
        aisle = first + offset // 2
        crossed, way = choices[offset], choices[offset + 1]
        assert isinstance(crossed, tuple) and isinstance(way, str)
        for end, count in zip(("front", "back"), crossed, strict=True):
            edges += [((end, aisle - 1, 0.0), (end, aisle, 0.0))] * count
        need = needs.get(aisle, _Aisle([], False, False))
        edges += _along_edges(aisles, aisle, need, way)
    return edges


def _along_edges(aisles: Aisles, aisle: int, need: _Aisle,
                 way: str) -> list[tuple[Vertex, Vertex]]:
    stops = [("front", aisle, 0.0), *[("pick", aisle, y) for y in need.inside],
             ("back", aisle, 0.0)]
    gaps = list(pairwise(stops))
    copies = {"none": [0] * len(gaps), "through": [1] * len(gaps),
              "through twice": [2] * len(gaps),
              "from front": [2] * (len(gaps) - 1) + [0], "from back": [0] + [2] * (len(gaps) - 1)}
    if way == "both ends":
        copies[way] = [0 if i == need.largest_gap()[0] else 2 for i in range(len(gaps))]
    return [gap for gap, count in zip(gaps, copies[way], strict=True) for _ in range(count)]


def _walking_order(aisles: Aisles, depot: Spot, picks: Sequence[Spot],
                   edges: list[tuple[Vertex, Vertex]]) -> list[int]:
    """Walk the edges as one circuit from the depot (Hierholzer); picks in order of first
    visit, those at one bin in the order given."""
    links: dict[Vertex, list[tuple[Vertex, int]]] = defaultdict(list)
    for number, (a, b) in enumerate(edges):
        links[a].append((b, number))
        links[b].append((a, number))
    used = [False] * len(edges)
    path, trail = [], [_vertex(aisles, depot)]
    while trail:
        exits = links[trail[-1]]
        while exits and used[exits[-1][1]]:
            exits.pop()
        if exits:
            there, number = exits.pop()
            used[number] = True
            trail.append(there)
        else:
            path.append(trail.pop())
    first_visit: dict[Vertex, int] = {}
    for step, vertex in enumerate(reversed(path)):
        first_visit.setdefault(vertex, step)
    return sorted(range(len(picks)), key=lambda i: (first_visit[_vertex(aisles, picks[i])], i))
