"""Routing benchmark: a day of orders over several locations, decided one by one by the
routing engine as intake does, against the exact optimum the batch optimiser (HiGHS) finds
for the same orders, stock and limits.

    python bench/routing.py [--orders 5000] [--locations 8] [--stock ample|tight] [--seed 1]

Reports routing decisions per second, the split rate, the engine's total cost (shipping plus
the split penalty) beside the optimum's, and whether HiGHS proved its plan optimal. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from ordermill.routing.domain import (
    Candidate,
    Criterion,
    Demand,
    Destination,
    Policy,
    Rule,
    RuleSet,
    haversine_km,
)
from ordermill.routing.engine import route
from ordermill.routing.optimizer import LocationStock, OpenOrder, optimize, plan_cost

# Warehouses in US cities (latitude, longitude); buyers live near the big metro areas.
SITES = (("NJ", 40.52, -74.41), ("NV", 39.63, -119.85), ("TX", 32.90, -97.04),
         ("GA", 33.64, -84.43), ("IL", 41.98, -87.90), ("WA", 47.45, -122.31),
         ("PA", 40.09, -75.41), ("AZ", 33.43, -112.01), ("OH", 39.99, -82.89),
         ("CO", 39.86, -104.67))
METROS = ((40.71, -74.01, 20), (34.05, -118.24, 13), (41.88, -87.63, 9), (29.76, -95.37, 7),
          (33.45, -112.07, 5), (39.95, -75.17, 6), (32.78, -96.80, 7), (37.77, -122.42, 6),
          (47.61, -122.33, 4), (25.76, -80.19, 6), (33.75, -84.39, 6), (39.74, -104.99, 3))
PRODUCTS = 300
STOCK = {"ample": (0.3, 1.2), "tight": (0.1, 0.45)}  # a site's share of the day's demand
SPLIT_PENALTY = 600  # minor units an extra parcel costs beyond its postage
RULES = RuleSet((Rule(Criterion.FEWEST_SHIPMENTS, 4), Rule(Criterion.SHIPPING_COST, 3),
                 Rule(Criterion.DISTANCE, 1)), policy=Policy.SHIP_COMPLETE,
                split_penalty=SPLIT_PENALTY)


@dataclass(frozen=True)
class Day:
    sites: list[tuple[str, float, float]]
    stock: dict[str, dict[int, int]]
    capacity: dict[str, int]
    orders: list[tuple[int, list[Demand], tuple[float, float]]]


def postage(site: tuple[str, float, float], to: tuple[float, float]) -> int:
    """Zone pricing as carriers do it: a base rate stepping up every 600 km."""
    return 650 + 180 * math.ceil(haversine_km((site[1], site[2]), to) / 600)


def a_day(rng: random.Random, orders: int, locations: int, tightness: str = "ample") -> Day:
    sites = list(SITES[:locations])
    weights = [1 / rank ** 1.1 for rank in range(1, PRODUCTS + 1)]
    day = []
    for key in range(orders):
        metro = rng.choices(METROS, weights=[m[2] for m in METROS])[0]
        to = (metro[0] + rng.gauss(0, 0.4), metro[1] + rng.gauss(0, 0.4))
        products = set(rng.choices(range(1, PRODUCTS + 1), weights=weights,
                                   k=rng.choice((1, 1, 1, 2, 2, 3, 4))))
        day.append((key, [Demand(i, rng.choice((1, 1, 1, 2, 3)), {p: 1})
                          for i, p in enumerate(sorted(products))], to))
    wanted: dict[int, int] = defaultdict(int)
    for _, demands, _ in day:
        for demand in demands:
            for product in demand.parts:
                wanted[product] += demand.units
    # Each site carries most products, each with a random part of the day's whole demand:
    # "ample" leaves most orders a choice of sites, "tight" makes many split or travel far.
    low, high = STOCK[tightness]
    stock = {code: {p: math.ceil(units * rng.uniform(low, high))
                    for p, units in wanted.items() if rng.random() < 0.8}
             for code, _, _ in sites}
    capacity = {code: math.ceil(orders / locations * rng.uniform(1.0, 1.6))
                for code, _, _ in sites}
    return Day(sites, stock, capacity, day)


def run_engine(day: Day) -> tuple[dict[int, list[tuple[str, int, int]]], float, int]:
    """Every order routed in turn, each taking its units and a place from what is left."""
    free = {code: dict(units) for code, units in day.stock.items()}
    left = dict(day.capacity)
    plan: dict[int, list[tuple[str, int, int]]] = {}
    splits = 0
    started = time.perf_counter()
    for key, demands, to in day.orders:
        candidates = [Candidate(code, rank, free[code], (lat, lon), None, left[code], False,
                                postage((code, lat, lon), to))
                      for rank, (code, lat, lon) in enumerate(day.sites)]
        decided = route(demands, Destination("US", to), candidates, RULES)
        by_line = {d.line_index: d for d in demands}
        lines = []
        for line, code, units in decided.allocations:
            for product, per_unit in by_line[line].parts.items():
                free[code][product] = free[code].get(product, 0) - units * per_unit
                lines.append((code, product, units * per_unit))
        shippers = {code for code, _, _ in lines}
        for code in shippers:
            left[code] -= 1
        splits += len(shippers) > 1
        plan[key] = lines
    return plan, time.perf_counter() - started, splits


def batch(day: Day) -> tuple[list[OpenOrder], list[LocationStock]]:
    orders = []
    for key, demands, to in day.orders:
        demand: dict[int, int] = defaultdict(int)
        for d in demands:
            for product, per_unit in d.parts.items():
                demand[product] += d.units * per_unit
        orders.append(OpenOrder(key, dict(demand), {code: postage((code, lat, lon), to)
                                                    for code, lat, lon in day.sites}))
    return orders, [LocationStock(code, day.stock[code], day.capacity[code])
                    for code, _, _ in day.sites]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--locations", type=int, default=8, choices=range(2, len(SITES) + 1))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stock", choices=sorted(STOCK), default="ample")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    day = a_day(random.Random(args.seed), args.orders, args.locations, args.stock)
    plan, seconds, splits = run_engine(day)
    orders, locations = batch(day)
    engine_cost = plan_cost(orders, plan, SPLIT_PENALTY)
    best = optimize(orders, locations, SPLIT_PENALTY, start=plan, time_limit=args.time_limit)
    unplaced = sum(sum(units.values()) for units in engine_cost.unserved.values())
    best_unplaced = sum(sum(units.values()) for units in best.unserved_units.values())
    optimum = best.shipping_cost + best.split_penalty_cost
    gap = 100 * (engine_cost.shipping + engine_cost.splits - optimum) / optimum
    print(f"ordermill routing, {args.orders} orders over {args.locations} locations, "
          f"{args.stock} stock, seed {args.seed}")
    print(f"  engine:    {args.orders / seconds:,.0f} decisions/s "
          f"({1000 * seconds / args.orders:.3f} ms each), split rate "
          f"{100 * splits / args.orders:.1f}%, units left unplaced {unplaced}")
    print(f"  cost:      engine {engine_cost.shipping + engine_cost.splits:,} "
          f"(shipping {engine_cost.shipping:,} + splits {engine_cost.splits:,}), "
          f"optimum {optimum:,} (shipping {best.shipping_cost:,} + splits "
          f"{best.split_penalty_cost:,}, units left unplaced {best_unplaced}): "
          f"engine {gap:+.2f}%")
    print(f"  optimiser: {best.status}, proven optimal {best.proven_optimal}, "
          f"gap {best.mip_gap:.4%}, {best.seconds:.1f} s")


if __name__ == "__main__":
    main()
