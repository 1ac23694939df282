"""Exact batch re-optimisation of the open backlog: which locations ship which units of every
not-yet-picked order, decided for the whole batch at once as a mixed-integer programme (HiGHS)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
from highspy._core import _Highs

from ordermill.routing.batch import (
    INFINITY,
    Cost,
    LocationStock,
    Move,
    OpenOrder,
    Plan,
    check_batch,
    check_start,
    greedy_plan,
    moves,
    normalised,
    plan_cost,
    unserved_penalty_for,
)

__all__ = ["Cost", "LocationStock", "Move", "OpenOrder", "Plan", "Solution", "Status", "moves",
           "optimize", "plan_cost"]


class Status(StrEnum):
    OPTIMAL = "optimal"  # HiGHS finished, within the relative gap asked for
    TIME_LIMIT = "time_limit"  # stopped at the time limit: the best plan found so far


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
    penalty = unserved_penalty_for(orders, split_penalty, unserved_penalty)
    check_batch(orders, locations, (split_penalty, penalty))
    if start is not None:
        check_start(orders, locations, start)
    model = _build(orders, locations, split_penalty, penalty)
    outcome = _solve(model, time_limit, relative_gap)
    # Not handed to HiGHS as its start: HiGHS 1.16 may return a start it has just proven
    # worse than the optimum (seen when presolve improves the start in its reduced space).
    fallback = normalised(orders, greedy_plan(orders, locations) if start is None else start)
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
    return normalised(orders, plan)


