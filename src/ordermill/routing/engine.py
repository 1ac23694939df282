"""The routing decision: filter the candidate locations, score the rest on the channel's rules,
and place the order's units by the channel's policy. Pure, and explained in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ordermill.catalog.domain import kit_units_available
from ordermill.routing.domain import (
    Candidate,
    Considered,
    Demand,
    Destination,
    Filter,
    Policy,
    RoutePlan,
    RuleSet,
    criterion_scores,
    exclusion,
)


def route(demands: Sequence[Demand], destination: Destination,
          candidates: Sequence[Candidate], rules: RuleSet) -> RoutePlan:
    """Which location ships how many units of which line; what no one can ship is short."""
    considered, eligible = _consider(demands, destination, candidates, rules)
    if not eligible and any(c.excluded_by == Filter.CUTOFF for c in considered):
        # Past every cut-off the order still goes somewhere: it ships after the next one.
        plan = route(demands, destination, candidates,
                     replace(rules, filters=rules.filters - {Filter.CUTOFF}))
        plan.reason = ("every location that could ship is past its carrier cut-off, so the "
                       f"order waits for the next one; {plan.reason}")
        return plan
    plan = RoutePlan(considered=considered)
    complete = [c for c in eligible if _ships_all(c, demands)]
    if complete and rules.policy in (Policy.SHIP_COMPLETE, Policy.HOLD_UNTIL_COMPLETE):
        winner = complete[0]
        plan.allocations = [(d.line_index, winner.location, d.units) for d in demands]
        plan.reason = (f"{winner.location} ships every line, with the best score of the "
                       f"{len(complete)} that can ({_scored(considered, winner.location)})")
    elif rules.policy == Policy.HOLD_UNTIL_COMPLETE:
        plan.held, plan.short = True, {d.line_index: d.units for d in demands}
        plan.reason = "no location can ship every line: held until one can"
    elif rules.policy == Policy.SHIP_COMPLETE:
        _fewest_locations(plan, demands, eligible)
        plan.reason = _split_reason(plan, "no location ships every line: split over the "
                                          "fewest locations")
    else:
        _line_by_line(plan, demands, eligible)
        plan.reason = _split_reason(plan, "each line from the best-scoring location that "
                                          "has it")
    return plan


def _consider(demands: Sequence[Demand], destination: Destination,
              candidates: Sequence[Candidate],
              rules: RuleSet) -> tuple[list[Considered], list[Candidate]]:
    """Every candidate with its scores, best first; and the eligible ones in that order."""
    scores = criterion_scores(candidates, demands, destination)
    weight = sum(rule.weight for rule in rules.rules) or 1.0
    considered = []
    for candidate in candidates:
        excluded = exclusion(candidate, demands, destination, rules.filters)
        mine = scores[candidate.location]
        total = sum(rule.weight * mine[rule.criterion] for rule in rules.rules) / weight
        considered.append(Considered(candidate.location,
                                     excluded[0] if excluded else None,
                                     excluded[1] if excluded else None, mine, round(total, 4)))

    def rank(item: Considered) -> tuple[bool, float, tuple[float, ...], str]:
        # Rules earlier in the list break ties first; then the location code, so a decision
        # never depends on the order the candidates came in.
        return (item.excluded_by is not None, -item.total,
                tuple(-item.scores[rule.criterion] for rule in rules.rules), item.location)

    considered.sort(key=rank)
    by_code = {c.location: c for c in candidates}
    return considered, [by_code[c.location] for c in considered if c.excluded_by is None]


def _ships_all(candidate: Candidate, demands: Sequence[Demand]) -> bool:
    needed: dict[int, int] = {}
    for demand in demands:
        for product, per_unit in demand.parts.items():
            needed[product] = needed.get(product, 0) + demand.units * per_unit
    return all(candidate.free.get(product, 0) >= units for product, units in needed.items())


def _can(stock: dict[int, int], demand: Demand, wanted: int) -> int:
    return min(wanted, kit_units_available(demand.parts, {
        product: stock.get(product, 0) for product in demand.parts}))


def _take(plan: RoutePlan, free: dict[str, dict[int, int]], demand: Demand, location: str,
          wanted: int) -> int:
    stock = free[location]
    units = _can(stock, demand, wanted)
    if units > 0:
        plan.allocations.append((demand.line_index, location, units))
        for product, per_unit in demand.parts.items():
            stock[product] = stock.get(product, 0) - units * per_unit
    return max(units, 0)


def _fewest_locations(plan: RoutePlan, demands: Sequence[Demand],
                      eligible: Sequence[Candidate]) -> None:
    """Whichever places more units with fewer shipments: filling each line from the best
    scored locations first, or a greedy set cover (the location that can ship most of what is
    left, best score first among equals). On a tie the scores' order wins."""
    by_score, by_reach = RoutePlan(), RoutePlan()
    _line_by_line(by_score, demands, eligible)
    _greedy_cover(by_reach, demands, eligible)

    def cost(option: RoutePlan) -> tuple[int, int]:
        return sum(option.short.values()), len({loc for _, loc, _ in option.allocations})

    best = by_reach if cost(by_reach) < cost(by_score) else by_score
    plan.allocations, plan.short = best.allocations, best.short


def _greedy_cover(plan: RoutePlan, demands: Sequence[Demand],
                  eligible: Sequence[Candidate]) -> None:
    free = {c.location: dict(c.free) for c in eligible}
    left = {d.line_index: d.units for d in demands}
    by_line = {d.line_index: d for d in demands}
    while any(left.values()):
        reach = {c.location: sum(_can(free[c.location], by_line[i], units)
                                 for i, units in left.items() if units)
                 for c in eligible}
        best = max(eligible, key=lambda c: reach[c.location], default=None)
        if best is None or reach[best.location] == 0:
            break
        for line_index, units in left.items():
            if units:
                left[line_index] -= _take(plan, free, by_line[line_index], best.location, units)
    plan.short = {line: units for line, units in left.items() if units}


def _line_by_line(plan: RoutePlan, demands: Sequence[Demand],
                  eligible: Sequence[Candidate]) -> None:
    free = {c.location: dict(c.free) for c in eligible}
    for demand in demands:
        left = demand.units
        for candidate in eligible:
            if left == 0:
                break
            left -= _take(plan, free, demand, candidate.location, left)
        if left:
            plan.short[demand.line_index] = left


def _scored(considered: Sequence[Considered], location: str) -> str:
    item = next(c for c in considered if c.location == location)
    parts = ", ".join(f"{criterion} {score:.2f}" for criterion, score in item.scores.items())
    return f"score {item.total:.2f}: {parts}"


def _split_reason(plan: RoutePlan, how: str) -> str:
    shippers = sorted({location for _, location, _ in plan.allocations})
    said = f"{how}: {', '.join(shippers) or 'none'}"
    return said + (f"; {sum(plan.short.values())} units short" if plan.short else "")
