"""Exact batch re-optimisation of the open backlog: which locations ship which units of every
not-yet-picked order, decided for the whole batch at once as a mixed-integer programme (HiGHS)."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
from highspy._core import _Highs

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


class Status(StrEnum):
    OPTIMAL = "optimal"  # HiGHS finished, within the relative gap asked for
    TIME_LIMIT = "time_limit"  # stopped at the time limit: the best plan found so far


@dataclass(frozen=True)
class Cost:
    shipping: int
    splits: int  # split penalty x shipments beyond each order's first
    unserved: dict[int, dict[int, int]]  # order key -> product id -> units left unplaced
    total: int  # shipping + splits + the unserved penalty for every unit left unplaced


@dataclass(frozen=True)
class Solution:
    status: Status
    objective: int  # total cost of the plan below, exact (not HiGHS's floating value)
    shipping_cost: int
    split_penalty_cost: int
    unserved_units: dict[int, dict[int, int]]  # only orders with units left unplaced
    assignments: dict[int, list[tuple[str, int, int]]]  # every order key, lines sorted
    shipments: dict[int, frozenset[str]]  # every order key -> the locations shipping to it
    proven_optimal: bool
    mip_gap: float
    seconds: float


@dataclass(frozen=True)
class Move:
    """An order the new plan ships differently. The same locations on both sides mean the
    units move between them."""

    order: int
    before: frozenset[str]
    after: frozenset[str]


@dataclass
class _Model:
    """Columns in HiGHS's compressed-column form, appended one variable at a time, and where
    each variable of the formulation went."""

    cost: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    rows: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    stock_rows: dict[tuple[str, int], int] = field(default_factory=dict)
    capacity_rows: dict[str, int] = field(default_factory=dict)
    units: dict[tuple[int, str, int], int] = field(default_factory=dict)  # x[order, at, product]
    shipments: dict[tuple[int, str], int] = field(default_factory=dict)  # y[order, at]

    def row(self, lower: float, upper: float) -> int:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_lower) - 1

    def column(self, cost: float, upper: float, entries: Mapping[int, float]) -> int:
        """A variable from 0 to upper, with its coefficient in each row of entries."""
        self.cost.append(cost)
        self.upper.append(upper)
        self.rows.extend(entries)
        self.values.extend(entries.values())
        self.starts.append(len(self.rows))
        return len(self.cost) - 1


@dataclass(frozen=True)
class _OrderRows:
    key: int
    demand: dict[int, int]  # product id -> units, none zero
    demand_rows: dict[int, int]  # product id -> its row: placed + unserved = demand
    served: int  # the row: served ≤ Σ shipments


@dataclass(frozen=True)
class _Outcome:
    status: Status
    values: list[float] | None  # None: stopped before HiGHS found any plan
    dual_bound: float
    mip_gap: float


def optimize(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
             split_penalty: int, *, start: Plan | None = None,
             unserved_penalty: int | None = None, time_limit: float = 10.0,
             relative_gap: float = 0.0) -> Solution:
    """The cheapest plan for the whole batch: shipping, plus split_penalty per shipment beyond
    an order's first, plus unserved_penalty per unit left unplaced. By default that penalty
    outweighs every other cost together, so units are left unplaced only when no plan can
    place them. Proven optimal unless the time limit or a relative gap stops HiGHS first.
    The answer never costs more than `start`, a plan within the same stock and capacity (the
    current one, say), or without one a greedy plan: that is what a time limit returns when
    HiGHS has found nothing better."""
    began = time.perf_counter()
    penalty = _penalty(orders, split_penalty, unserved_penalty)
    _check(orders, locations, (split_penalty, penalty))
    if start is not None:
        _check_start(orders, locations, start)
    model = _build(orders, locations, split_penalty, penalty)
    outcome = _solve(model, time_limit, relative_gap)
    # Not handed to HiGHS as its start: HiGHS 1.16 may return a start it has just proven
    # worse than the optimum (seen when presolve improves the start in its reduced space).
    fallback = _normalised(orders, _greedy(orders, locations) if start is None else start)
    # HiGHS's plan first, so that it wins a tie.
    plans = [fallback] if outcome.values is None else [
        _plan(orders, model, outcome.values), fallback]
    cost, plan = min(((plan_cost(orders, plan, split_penalty, unserved_penalty=penalty), plan)
                      for plan in plans), key=lambda priced: priced[0].total)
    # Every cost is whole minor units, so no plan costs less than the bound rounded up.
    proven = math.isfinite(outcome.dual_bound) and (
        math.ceil(outcome.dual_bound - 1e-6) >= cost.total)
    return Solution(outcome.status, cost.total, cost.shipping, cost.splits, cost.unserved, plan,
                    {key: frozenset(code for code, _, _ in lines) for key, lines in plan.items()},
                    proven, outcome.mip_gap, time.perf_counter() - began)


def plan_cost(orders: Sequence[OpenOrder], plan: Plan, split_penalty: int, *,
              unserved_penalty: int | None = None) -> Cost:
    """What any plan (the greedy engine's, say) costs by optimize's measure, its default
    unserved penalty included; a plan for unknown orders, or one that ships from a location
    that cannot serve the order or more units than it asked for, is refused."""
    penalty = _penalty(orders, split_penalty, unserved_penalty)
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
        before, after = _placed(current.get(key, ())), _placed(optimal.get(key, ()))
        if before != after:
            changed.append(Move(key, frozenset(code for code, _ in before),
                                frozenset(code for code, _ in after)))
    return changed


def _placed(lines: Sequence[tuple[str, int, int]]) -> Counter[tuple[str, int]]:
    placed: Counter[tuple[str, int]] = Counter()
    for code, product, units in lines:
        placed[code, product] += units
    return +placed  # drops lines of zero units: they ship nothing


def _check_keys(orders: Sequence[OpenOrder], plan: Plan) -> None:
    strangers = plan.keys() - {order.key for order in orders}
    if strangers:
        raise ValueError(f"the plan places units for unknown orders {sorted(strangers)}")


def _check_start(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
                 start: Plan) -> None:
    """A start must be a plan the batch could ship, since it may come back as the answer."""
    _check_keys(orders, start)
    taken: Counter[tuple[str, int]] = Counter()
    shipments: Counter[str] = Counter()
    for order in orders:
        shippers, _ = _check_lines(order, start.get(order.key, ()))
        taken.update(_placed(start.get(order.key, ())))
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
    placed = _placed(lines)
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


def _penalty(orders: Sequence[OpenOrder], split_penalty: int, explicit: int | None) -> int:
    """The unserved penalty asked for, or one above the dearest plan's shipping and splits
    together, so that placing one more unit always beats any saving on the others."""
    if explicit is not None:
        return explicit
    return 1 + sum(cost + split_penalty for order in orders
                   for cost in order.shipping_cost.values())


def _check(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
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


def _build(orders: Sequence[OpenOrder], locations: Sequence[LocationStock],
           split_penalty: int, unserved_penalty: int) -> _Model:
    model = _Model()
    model.stock_rows = {(location.code, product): model.row(-INFINITY, units)
                        for location in locations for product, units in location.free.items()
                        if units > 0}
    model.capacity_rows = {location.code: model.row(-INFINITY, location.capacity)
                           for location in locations if location.capacity is not None}
    by_code = {location.code: location for location in locations}
    for order in orders:
        demand = {product: units for product, units in order.demand.items() if units > 0}
        rows = _OrderRows(order.key, demand, {product: model.row(units, units)
                                              for product, units in demand.items()},
                          model.row(-INFINITY, 0))
        # served ≤ Σ shipments, and served earns the split penalty back: the objective charges
        # it only for shipments beyond the first, and nothing for an order left unserved.
        model.column(-split_penalty, 1, {rows.served: 1})
        for product, units in demand.items():
            model.column(unserved_penalty, units, {rows.demand_rows[product]: 1})
        for code, cost in order.shipping_cost.items():
            if code in by_code:
                _add_shipment(model, rows, by_code[code], cost + split_penalty)
    return model


def _add_shipment(model: _Model, order: _OrderRows, location: LocationStock, cost: int) -> None:
    """The shipment y from one location to one order, and its units x of each product it
    has: x ≤ min(demand, free)·y, so units travel only in a shipment paid for."""
    bounds = {product: min(units, location.free.get(product, 0))
              for product, units in order.demand.items() if location.free.get(product, 0) > 0}
    if not bounds:
        return
    links = {product: model.row(-INFINITY, 0) for product in bounds}
    entries: dict[int, float] = {order.served: -1}
    if location.code in model.capacity_rows:
        entries[model.capacity_rows[location.code]] = 1
    model.shipments[order.key, location.code] = model.column(
        cost, 1, entries | {links[product]: -bound for product, bound in bounds.items()})
    for product, bound in bounds.items():
        model.units[order.key, location.code, product] = model.column(
            0, bound, {order.demand_rows[product]: 1, model.stock_rows[location.code, product]: 1,
                       links[product]: 1})


def _greedy(orders: Sequence[OpenOrder],
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


def _solve(model: _Model, time_limit: float, relative_gap: float) -> _Outcome:
    if not model.cost:  # no orders: HiGHS would answer "empty model", not "optimal"
        return _Outcome(Status.OPTIMAL, [], 0.0, 0.0)
    # highspy.Highs prints HiGHS's banner from its constructor, before output_flag can be
    # turned off; the class it wraps does not.
    highs = _Highs()
    for option, value in (("output_flag", False), ("time_limit", float(time_limit)),
                          ("mip_rel_gap", float(relative_gap))):
        _ok(highs.setOptionValue(option, value), option)
    _ok(highs.passModel(_lp(model, [0.0] * len(model.cost), model.upper, integral=True)),
        "the model")
    _ok(highs.run(), "to run")
    statuses = {highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
                highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT}
    status, info = highs.getModelStatus(), highs.getInfo()
    if status not in statuses:
        raise RuntimeError(f"HiGHS stopped: {highs.modelStatusToString(status)}")
    # With no shipment to decide, HiGHS solves an LP and leaves the MIP's bound and gap unset.
    bound, gap = ((info.mip_dual_bound, info.mip_gap) if model.shipments
                  else (info.objective_function_value, 0.0))
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return _Outcome(statuses[status], None, bound, gap)
    shipped = list(highs.getSolution().col_value)
    return _Outcome(statuses[status], _whole_units(highs, model, shipped), bound, gap)


def _whole_units(highs: _Highs, model: _Model, values: list[float]) -> list[float]:
    """The plan re-solved with its shipments fixed. Units are continuous in the model, which
    HiGHS solves faster; with the shipments fixed, what is left is a transportation problem
    per product, whose corner solutions (the simplex method's answers) are whole units."""
    lower, upper = [0.0] * len(model.cost), list(model.upper)
    for column in model.shipments.values():
        lower[column] = upper[column] = round(values[column])
    _ok(highs.passModel(_lp(model, lower, upper, integral=False)), "the units")
    # The time limit is spent; this LP is small next to the programme and must finish.
    _ok(highs.setOptionValue("time_limit", INFINITY), "time_limit")
    _ok(highs.run(), "to run")
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError("HiGHS could not place the units of a plan it found")
    return list(highs.getSolution().col_value)


def _lp(model: _Model, lower: list[float], upper: list[float], *,
        integral: bool) -> highspy.HighsLp:
    """The model for HiGHS; integral: shipments are whole (the rest follows from them)."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(model.cost), len(model.row_lower)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = model.cost, lower, upper
    lp.row_lower_, lp.row_upper_ = model.row_lower, model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = model.starts, model.rows
    lp.a_matrix_.value_ = model.values
    if integral:
        integrality = [highspy.HighsVarType.kContinuous] * len(model.cost)
        for column in model.shipments.values():
            integrality[column] = highspy.HighsVarType.kInteger
        lp.integrality_ = integrality  # whole: highspy hands out copies of its lists
    return lp


def _ok(status: highspy.HighsStatus, what: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS refused {what}")


def _plan(orders: Sequence[OpenOrder], model: _Model,
          values: Sequence[float]) -> dict[int, list[tuple[str, int, int]]]:
    plan: dict[int, list[tuple[str, int, int]]] = {}
    for (key, code, product), column in model.units.items():
        units = round(values[column])
        if abs(values[column] - units) > 1e-6:  # see _whole_units: never expected
            raise RuntimeError(f"HiGHS placed {values[column]} units of {product} for {key}")
        plan.setdefault(key, []).append((code, product, units))
    return _normalised(orders, plan)


def _normalised(orders: Sequence[OpenOrder], plan: Plan) -> dict[int, list[tuple[str, int, int]]]:
    """A plan in the shape of a solution's: every order, one sorted line per location and
    product."""
    return {order.key: sorted((code, product, units) for (code, product), units
                              in _placed(plan.get(order.key, ())).items()) for order in orders}
