"""The pack station's box choice: the smallest box (or boxes) a fulfillment order's units go
in, with where each unit sits. Pure; millimetres and grams."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

EXACT_UP_TO = 3  # units; _exact's reasoning about rows of units holds for three at most

Size = tuple[int, int, int]


class Why(StrEnum):
    TOO_HEAVY = "too heavy"
    ITEM_TOO_LARGE = "item too large"
    COULD_NOT_PACK = "could not pack"


@dataclass(frozen=True)
class BoxType:
    """A box the station stocks, by its inner dimensions."""

    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int

    @property
    def size(self) -> Size:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def volume_mm3(self) -> int:
        return _volume(self.size)


@dataclass(frozen=True)
class Item:
    """Units of one product to pack. Without all three dimensions it is judged by weight."""

    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    weight_g: int
    quantity: int = 1
    sku: str = ""  # only to name the item in a reason

    @property
    def size(self) -> Size | None:
        if self.length_mm is None or self.width_mm is None or self.height_mm is None:
            return None
        return (self.length_mm, self.width_mm, self.height_mm)


@dataclass(frozen=True)
class Placement:
    """One unit of items[item] in a box: its corner nearest the box's corner (x along the
    length, y the width, z up), and its length, width and height as turned."""

    item: int
    x_mm: int
    y_mm: int
    z_mm: int
    length_mm: int
    width_mm: int
    height_mm: int

    @property
    def start(self) -> Size:
        return (self.x_mm, self.y_mm, self.z_mm)

    @property
    def size(self) -> Size:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def end(self) -> Size:
        return (self.x_mm + self.length_mm, self.y_mm + self.width_mm,
                self.z_mm + self.height_mm)


@dataclass(frozen=True)
class PackedBox:
    box: BoxType
    units: dict[int, int]  # index into the items -> units of it in this box
    placements: list[Placement]  # the units with dimensions; the others go in by weight
    weight_g: int


@dataclass(frozen=True)
class Rejection:
    box: str
    why: Why
    detail: str


@dataclass(frozen=True)
class BoxChoice:
    """One box when one takes everything, else several. `rejected` says why each box that
    cannot take everything alone fails; `weight_only` lists the items (by index) that have no
    dimensions, so were judged by weight alone."""

    boxes: list[PackedBox]
    rejected: list[Rejection]
    weight_only: list[int]


def suggest_box(boxes: Sequence[BoxType], items: Sequence[Item]) -> BoxChoice | None:
    """The smallest box (by volume, then code) everything fits in, by weight and by a real
    placement of every unit; else the fewest boxes a greedy fill finds; None when some
    unit fits no box at all, for a person to decide."""
    _check(boxes, items)
    ordered = sorted(boxes, key=lambda box: (box.volume_mm3, box.code))
    weight_only = [index for index, item in enumerate(items) if item.size is None]
    everything = {index: item.quantity for index, item in enumerate(items)}
    rejected: list[Rejection] = []
    for box in ordered:
        tried = _try_box(box, items, everything)
        if isinstance(tried, PackedBox):
            return BoxChoice([tried], rejected, weight_only)
        rejected.append(tried)
    plan = _several_boxes(ordered, items)
    return BoxChoice(plan, rejected, weight_only) if plan else None


def _check(boxes: Sequence[BoxType], items: Sequence[Item]) -> None:
    for box in boxes:
        if min(box.size) < 1 or box.max_weight_g < 0:
            raise ValueError(f"box {box.code}: dimensions must be positive, weight at least 0")
    for index, item in enumerate(items):
        if (item.size is not None and min(item.size) < 1) or item.weight_g < 0:
            raise ValueError(f"{_name(items, index)}: dimensions must be positive (or None "
                             "when unknown), weight at least 0")
        if item.quantity < 1:
            raise ValueError(f"{_name(items, index)}: quantity must be at least 1")


def _try_box(box: BoxType, items: Sequence[Item],
             units: dict[int, int]) -> PackedBox | Rejection:
    """These units in this box, or the first reason they do not go: cheap checks first."""
    weight = sum(items[index].weight_g * count for index, count in units.items())
    if weight > box.max_weight_g:
        return Rejection(box.code, Why.TOO_HEAVY, f"{weight} g is more than {box.max_weight_g} g")
    sized = [(index, size) for index in units if (size := items[index].size) is not None]
    too_large = [_name(items, index) for index, size in sized if not _turns(size, box.size)]
    if too_large:
        return Rejection(box.code, Why.ITEM_TOO_LARGE,
                         f"{', '.join(too_large)} fits no way round")
    each = [(index, size) for index, size in sized for _ in range(units[index])]
    volume = sum(_volume(size) for _, size in each)
    if volume > box.volume_mm3:
        return Rejection(box.code, Why.COULD_NOT_PACK,
                         f"the units take {volume} mm³, the box holds {box.volume_mm3} mm³")
    placements = _pack(box.size, each)
    if placements is None:
        return Rejection(box.code, Why.COULD_NOT_PACK, "no arrangement of the units was found")
    return PackedBox(box, dict(units), placements, weight)


def _several_boxes(ordered: Sequence[BoxType],
                   items: Sequence[Item]) -> list[PackedBox] | None:
    """Fewest boxes, greedily: fill the box that takes most of what is left (volume, then
    weight, then units; the smaller box among equals), swap it for the smallest box that
    takes the same units, and repeat. Not always the fewest there could be."""
    if any(all(isinstance(_try_box(box, items, {index: 1}), Rejection) for box in ordered)
           for index in range(len(items))):
        return None
    left = sorted((index for index, item in enumerate(items) for _ in range(item.quantity)),
                  key=lambda index: _unit_order(items[index]), reverse=True)
    plan = []
    while left:
        # max keeps the first of equals, and `ordered` runs smallest first.
        filled = max((_fill(box, items, left) for box in ordered), key=_taken)
        plan.append(_smallest_taking(ordered, items, filled))
        for index, count in filled.units.items():
            for _ in range(count):
                left.remove(index)
    return plan


def _taken(packed: PackedBox) -> tuple[int, int, int]:
    volume = sum(_volume(placement.size) for placement in packed.placements)
    return (volume, packed.weight_g, sum(packed.units.values()))


def _unit_order(item: Item) -> tuple[bool, int, int, int]:
    # Units with dimensions first, biggest first, as first-fit-decreasing wants; then the
    # rest, heaviest first, into whatever weight is left.
    size = item.size
    return (size is not None, _volume(size) if size else 0, max(size) if size else 0,
            item.weight_g)


def _fill(box: BoxType, items: Sequence[Item], left: Sequence[int]) -> PackedBox:
    """First fit decreasing into one box: every unit that still goes in, in turn."""
    load = _Load(box.size)
    units: Counter[int] = Counter()
    weight = 0
    for index in left:
        item = items[index]
        size = item.size
        if weight + item.weight_g > box.max_weight_g:
            continue
        if size is None or load.add(index, size):
            units[index] += 1
            weight += item.weight_g
    return PackedBox(box, dict(units), load.placed, weight)


def _smallest_taking(ordered: Sequence[BoxType], items: Sequence[Item],
                     filled: PackedBox) -> PackedBox:
    for box in ordered:
        if box == filled.box:
            break
        tried = _try_box(box, items, filled.units)
        if isinstance(tried, PackedBox):
            return tried
    return filled


# Biggest, longest, largest face first: the orders first fit decreasing tries.
_ORDERS: tuple[Callable[[Size], tuple[int, ...]], ...] = (
    lambda size: (_volume(size), max(size)),
    lambda size: (max(size), _volume(size)),
    lambda size: (_volume(size) // min(size), _volume(size)),
)


def _pack(space: Size, units: Sequence[tuple[int, Size]]) -> list[Placement] | None:
    """Where each unit sits: exactly for a few units, else first fit decreasing by a few
    orders (biggest, longest, largest face first), each unit at the first spot it fits, then
    at the snuggest, until one packs."""
    if len(units) <= EXACT_UP_TO:
        return _exact(space, units)
    # First spots are quick; snug ones pack a few percent more tight cases, four times slower.
    for snug, key in itertools.product((False, True), _ORDERS):
        load = _Load(space)
        if all(load.add(index, size, snug=snug)
               for index, size in sorted(units, key=lambda unit: key(unit[1]), reverse=True)):
            return load.placed
    return None


def _exact(space: Size, units: Sequence[tuple[int, Size]]) -> list[Placement] | None:
    """Up to three units go in exactly when each can be turned, and each pair given an axis
    along which the two lie side by side, so that every axis has room for its pairs: a pair
    needs its two lengths; three units all apart along one axis need all three lengths."""
    pairs = list(itertools.combinations(range(len(units)), 2))
    for turned in itertools.product(*(_turns(size, space) for _, size in units)):
        room = [[axis for axis in range(3) if turned[a][axis] + turned[b][axis] <= space[axis]]
                for a, b in pairs]
        for axes in itertools.product(*room):
            corners = _side_by_side(turned, pairs, axes)
            if all(corner[axis] + size[axis] <= space[axis]
                   for corner, size in zip(corners, turned, strict=True) for axis in range(3)):
                return [_placement(index, corner, size)
                        for (index, _), corner, size in zip(units, corners, turned, strict=True)]
    return None


def _side_by_side(sizes: Sequence[Size], pairs: Sequence[tuple[int, int]],
                  axes: Sequence[int]) -> list[Size]:
    """Corners that put each pair apart along its axis. On each axis the unit apart from most
    others goes first and the rest after it, which for three units is the shortest row."""
    corners = [[0, 0, 0] for _ in sizes]
    for axis in range(3):
        apart = [pair for pair, on in zip(pairs, axes, strict=True) if on == axis]
        degree = Counter(unit for pair in apart for unit in pair)
        rank = sorted(range(len(sizes)), key=lambda unit: (-degree[unit], unit))
        for later_at, unit in enumerate(rank):
            corners[unit][axis] = max((corners[before][axis] + sizes[before][axis]
                                       for before in rank[:later_at]
                                       if (before, unit) in apart or (unit, before) in apart),
                                      default=0)
    return [(x, y, z) for x, y, z in corners]


class _Load:
    """Units placed in one box, and the extreme points where the next may go (Crainic,
    Perboli & Tadei): the three far corners of each placed unit, also slid back along each
    other axis until they meet a unit or a wall, so hollows behind and beneath units
    stay reachable."""

    def __init__(self, space: Size) -> None:
        self.space = space
        self.placed: list[Placement] = []
        self._blocks: list[tuple[Size, Size]] = []  # each placed unit's near and far corner
        self._points: set[Size] = {(0, 0, 0)}

    def add(self, item: int, size: Size, *, snug: bool = False) -> bool:
        """At the first spot the unit fits, or (snug) the one leaving least room to a wall."""
        spots = self._spots(size)
        spot = min(spots, key=self._slack, default=None) if snug else next(spots, None)
        if spot is None:
            return False
        self._put(_placement(item, *spot))
        return True

    def _slack(self, spot: tuple[Size, Size]) -> int:
        corner, turned = spot
        return min(self.space[axis] - corner[axis] - turned[axis] for axis in range(3))

    def _spots(self, size: Size) -> Iterator[tuple[Size, Size]]:
        """Every corner and turn the unit fits at, in the order first fit tries them."""
        turns = _turns(size, self.space)
        # Lowest, then farthest back, then leftmost point first: the box fills from the floor.
        for point in sorted(self._points, key=lambda p: (p[2], p[1], p[0])):
            for turned in turns:
                end = (point[0] + turned[0], point[1] + turned[1], point[2] + turned[2])
                if all(end[axis] <= self.space[axis] for axis in range(3)) and not any(
                        _overlap(point, end, block) for block in self._blocks):
                    yield point, turned

    def _put(self, placement: Placement) -> None:
        block = (placement.start, placement.end)
        self.placed.append(placement)
        self._blocks.append(block)
        (x, y, z), far = block
        corners = [(far[0], y, z), (x, far[1], z), (x, y, far[2])]
        points = set(corners)
        for moved, corner in enumerate(corners):
            points.update(self._slide(corner, axis) for axis in range(3) if axis != moved)
        # Points left were open before this unit: only it can have covered them.
        self._points = ({p for p in self._points if not _inside(p, block)}
                        | {p for p in points if self._open(p)})

    def _slide(self, point: Size, axis: int) -> Size:
        stop = max((far[axis] for near, far in self._blocks if far[axis] <= point[axis] and all(
            near[other] <= point[other] < far[other] for other in range(3) if other != axis)),
            default=0)
        slid = list(point)
        slid[axis] = stop
        return (slid[0], slid[1], slid[2])

    def _open(self, point: Size) -> bool:
        return all(point[axis] < self.space[axis] for axis in range(3)) and not any(
            _inside(point, block) for block in self._blocks)


def _overlap(near: Size, far: Size, block: tuple[Size, Size]) -> bool:
    low, high = block
    return (low[0] < far[0] and near[0] < high[0] and low[1] < far[1] and near[1] < high[1]
            and low[2] < far[2] and near[2] < high[2])


def _inside(point: Size, block: tuple[Size, Size]) -> bool:
    low, high = block
    return (low[0] <= point[0] < high[0] and low[1] <= point[1] < high[1]
            and low[2] <= point[2] < high[2])


def _turns(size: Size, space: Size) -> list[Size]:
    """The distinct ways a unit can stand in the space, lowest first (laid flat, steadier)."""
    fitting = {(a, b, c) for a, b, c in itertools.permutations(size)
               if a <= space[0] and b <= space[1] and c <= space[2]}
    return sorted(fitting, key=lambda turn: (turn[2], -turn[0], turn[1]))


def _placement(item: int, corner: Size, size: Size) -> Placement:
    return Placement(item, *corner, *size)


def _volume(size: Size) -> int:
    return size[0] * size[1] * size[2]


def _name(items: Sequence[Item], index: int) -> str:
    return items[index].sku or f"item {index + 1}"
