"""A batch of open orders and the locations that may ship them, and plans for it: what a plan
costs (shipping, splits, units left unplaced), how two plans differ, a quick greedy plan, and
the checks that keep a plan within the batch. Pure; optimizer.py finds the cheapest plan."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

INFINITY = math.inf
Plan = Mapping[int, Sequence[tuple[str, int, int]]]  # order key -> (location, product, units)


@dataclass(frozen=True)
class OpenOrder:
    key: int
    demand: Mapping[int, int]  # product id -> units; kits already expanded to their parts
    # Location -> estimated cost of one shipment from it to this order's address, minor units.
    # A location absent cannot ship to this order (e.g. not to its country).
    shipping_cost: Mapping[str, int]


@dataclass(frozen=True)
class LocationStock:
    code: str
    free: Mapping[int, int]  # product id -> units the batch may use, its own holds included
    capacity: int | None = None  # orders (shipments) it may still take; None: no limit


@dataclass(frozen=True)
class Cost:
    shipping: int
    splits: int  # split penalty x shipments beyond each order's first
    unserved: dict[int, dict[int, int]]  # order key -> product id -> units left unplaced
    total: int  # shipping + splits + the unserved penalty for every unit left unplaced


@dataclass(frozen=True)
class Move:
    """An order the new plan ships differently. The same locations on both sides mean the
    units move between them."""

    order: int
    before: frozenset[str]
    after: frozenset[str]


def plan_cost(orders: Sequence[OpenOrder], plan: Plan, split_penalty: int, *,
              unserved_penalty: int | None = None) -> Cost:
    """What any plan (the greedy engine's, say) costs by optimize's measure, its default
    unserved penalty included; a plan for unknown orders, or one that ships from a location
    that cannot serve the order or more units than it asked for, is refused."""
    penalty = unserved_penalty_for(orders, split_penalty, unserved_penalty)
    _check_keys(orders, plan)
    shipping, extra, unserved = 0, 0, {}
    for order in orders:
        lines = plan.get(order.key, ())
        locations, short = _check_lines(order, lines)
        shipping += sum(order.shipping_cost[code] for code in locations)
        extra += max(0, len(locations) - 1)
        if short:
            unserved[order.key] = short
    left = sum(units for short in unserved.values() for units in short.values())
    splits = split_penalty * extra
    return Cost(shipping, splits, unserved, shipping + splits + penalty * left)


def moves(current: Plan, optimal: Plan) -> list[Move]:
    """The orders, by key, that the optimal plan ships from other locations or in other units
    than the current one; an order absent from a plan has nothing placed there."""
    changed = []
    for key in sorted(current.keys() | optimal.keys()):
        before, after = _units_by_place(current.get(key, ())), _units_by_place(optimal.get(key, ()))
        if before != after:
            changed.append(Move(key, frozenset(code for code, _ in before),
                                frozenset(code for code, _ in after)))
    return changed


def _units_by_place(lines: Sequence[tuple[str, int, int]]) -> Counter[tuple[str, int]]:
    placed: Counter[tuple[str, int]] = Counter()
    for code, product, units in lines:
        placed[code, product] += units
    return +placed  # drops lines of zero units: they ship nothing


def _check_keys(orders: Sequence[OpenOrder], plan: Plan) -> None:
    strangers = plan.keys() - {order.key for order in orders}
    if strangers:
        raise ValueError(f"the plan places units for unknown orders {sorted(strangers)}")


def check_start(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
                 start: Plan) -> None:
    """A start must be a plan the batch could ship, since it may come back as the answer."""
    _check_keys(orders, start)
    taken: Counter[tuple[str, int]] = Counter()
    shipments: Counter[str] = Counter()
    for order in orders:
        shippers, _ = _check_lines(order, start.get(order.key, ()))
        taken.update(_units_by_place(start.get(order.key, ())))
        shipments.update(shippers)
    known = {location.code: location for location in locations}
    over = {code for (code, product), units in taken.items()
            if code not in known or units > known[code].free.get(product, 0)}
    over |= {code for code, count in shipments.items()
             if code in known and count > _room(known[code])}
    if over:
        raise ValueError(f"the start plan exceeds the stock or capacity of {sorted(over)}")


def _room(location: LocationStock) -> float:
    return INFINITY if location.capacity is None else location.capacity


def _check_lines(order: OpenOrder,
                 lines: Sequence[tuple[str, int, int]]) -> tuple[set[str], dict[int, int]]:
    """The locations shipping to the order, and the units per product it is still short."""
    placed = _units_by_place(lines)
    locations = {code for code, _ in placed}
    per_product = Counter[int]()
    for (_, product), units in placed.items():
        per_product[product] += units
    if locations - order.shipping_cost.keys():
        raise ValueError(f"order {order.key}: {sorted(locations - order.shipping_cost.keys())} "
                         "cannot ship to it")
    if any(units < 0 for _, _, units in lines) or any(
            units > order.demand.get(product, 0) for product, units in per_product.items()):
        raise ValueError(f"order {order.key}: negative units, or more than it asked for")
    short = {product: units - per_product[product] for product, units in order.demand.items()
             if units > per_product[product]}
    return locations, short


def unserved_penalty_for(orders: Sequence[OpenOrder], split_penalty: int,
                         explicit: int | None) -> int:
    """The unserved penalty asked for, or one above the dearest plan's shipping and splits
    together, so that placing one more unit always beats any saving on the others."""
    if explicit is not None:
        return explicit
    return 1 + sum(cost + split_penalty for order in orders
                   for cost in order.shipping_cost.values())


def check_batch(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
           penalties: Iterable[int]) -> None:
    # A negative cost or stock would reward the solver for nonsense; a repeated key or code
    # would merge two orders or two locations.
    numbers = list(penalties)
    for order in orders:
        numbers += [*order.demand.values(), *order.shipping_cost.values()]
    for location in locations:
        numbers += [*location.free.values(), location.capacity or 0]
    if min(numbers, default=0) < 0:
        raise ValueError("units, costs, capacities and penalties must not be negative")
    if len({order.key for order in orders}) < len(orders) or \
            len({location.code for location in locations}) < len(locations):
        raise ValueError("order keys and location codes must be unique")


def greedy_plan(orders: Sequence[OpenOrder],
            locations: Sequence[LocationStock]) -> dict[int, list[tuple[str, int, int]]]:
    """Each order in turn from the cheapest location that ships all it still needs, else the
    one that ships most of it, until no location can ship more."""
    free = {location.code: dict(location.free) for location in locations}
    room = {location.code: _room(location) for location in locations}
    plan: dict[int, list[tuple[str, int, int]]] = {}
    for order in orders:
        left = {product: units for product, units in order.demand.items() if units > 0}
        lines, open_ = [], {code for code in order.shipping_cost if room.get(code, 0) != 0}
        while open_:
            reach = {code: {product: min(units, free[code].get(product, 0))
                            for product, units in left.items()} for code in open_}
            code = max(open_, key=lambda c: (sum(reach[c].values()), -order.shipping_cost[c], c))
            if not any(reach[code].values()):
                break
            for product, units in reach[code].items():
                if units:
                    lines.append((code, product, units))
                    left[product] -= units
                    free[code][product] -= units
            open_.remove(code)
            room[code] -= 1
        plan[order.key] = lines
    return plan


def normalised(orders: Sequence[OpenOrder], plan: Plan) -> dict[int, list[tuple[str, int, int]]]:
    """A plan in the shape of a solution's: every order, one sorted line per location and
    product."""
    return {order.key: sorted((code, product, units) for (code, product), units
                              in _units_by_place(plan.get(order.key, ())).items())
            for order in orders}
