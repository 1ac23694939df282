"""The floor a picker walks: parallel aisles joined by cross aisles, spots on them, and the
shortest walk between two spots. Pure geometry, in metres."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Aisles:
    """Aisle `i` is the line x = i * spacing_m from y = 0 (the front cross aisle) to
    y = length_m (the back one); a single block has no cross aisle in between."""

    count: int
    length_m: float
    spacing_m: float

    def x(self, aisle: int) -> float:
        return aisle * self.spacing_m


@dataclass(frozen=True, order=True)
class Spot:
    """A place on an aisle: a bin, or the depot where every route starts and ends."""

    aisle: int
    position_m: float


def check_spot(aisles: Aisles, spot: Spot) -> None:
    if not 0 <= spot.aisle < aisles.count:
        raise ValueError(f"aisle {spot.aisle} is not one of the {aisles.count} aisles")
    if not 0 <= spot.position_m <= aisles.length_m:
        raise ValueError(f"position {spot.position_m} m is off an aisle of "
                         f"{aisles.length_m} m")


def walking_distance(aisles: Aisles, start: Spot, end: Spot) -> float:
    """Along one aisle, or out of it by the front or the back and along the cross aisle."""
    if start.aisle == end.aisle:
        return abs(start.position_m - end.position_m)
    across = abs(aisles.x(start.aisle) - aisles.x(end.aisle))
    by_front = start.position_m + end.position_m
    by_back = 2 * aisles.length_m - start.position_m - end.position_m
    return across + min(by_front, by_back)


def route_length(aisles: Aisles, depot: Spot, stops: list[Spot]) -> float:
    """The walk from the depot through the stops in this order and back."""
    path = [depot, *stops, depot]
    return sum(walking_distance(aisles, a, b) for a, b in itertools.pairwise(path))


def s_shape_length(aisles: Aisles, depot: Spot, picks: list[Spot]) -> float:
    """The common S-shape: from the front cross aisle (reached along the depot's aisle), every
    aisle holding a pick is walked end to end, left to right, turning at the front and the
    back in turn; with an odd count the last one is entered from the front, walked to its
    farthest pick and left the same way; then back along the front."""
    used = sorted({spot.aisle for spot in picks})
    if not used:
        return 0.0
    vertical = (len(used) // 2 * 2) * aisles.length_m
    if len(used) % 2:
        vertical += 2 * max(s.position_m for s in picks if s.aisle == used[-1])
    return _to_front_and_back(aisles, depot, used) + vertical


def largest_gap_length(aisles: Aisles, depot: Spot, picks: list[Spot]) -> float:
    """The largest-gap heuristic: the first and last aisles holding picks are walked end to
    end; every aisle between is entered from the front and from the back, never crossing its
    largest gap between picks (or an end). One aisle alone: in from the front to its
    farthest pick and out again."""
    used = sorted({spot.aisle for spot in picks})
    if not used:
        return 0.0
    if len(used) == 1:
        vertical = 2 * max(s.position_m for s in picks)
    else:
        vertical = 2 * aisles.length_m
        for aisle in used[1:-1]:
            marks = [0.0, *sorted(s.position_m for s in picks if s.aisle == aisle),
                     aisles.length_m]
            largest = max(b - a for a, b in itertools.pairwise(marks))
            vertical += 2 * (aisles.length_m - largest)
    return _to_front_and_back(aisles, depot, used) + vertical


def _to_front_and_back(aisles: Aisles, depot: Spot, used: list[int]) -> float:
    """Depot to the front cross aisle and back, and the cross aisles covered twice over."""
    reach = [depot.aisle, *used]
    return 2 * depot.position_m + 2 * (aisles.x(max(reach)) - aisles.x(min(reach)))
