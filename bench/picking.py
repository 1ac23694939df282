"""Pick-route benchmark: ordermill's shortest route against the exact optimum, S-shape and
largest gap, on random single-block warehouses; and the time each route takes.

    python bench/picking.py [--instances 200] [--seed 1]

For 10 picks every instance is also solved exactly by Held-Karp over the walking distances
(a travelling-salesman dynamic programme, exponential in the picks), so the gap to the optimum
is measured, not assumed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from itertools import combinations

from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.warehouse import (
    Aisles,
    Spot,
    largest_gap_length,
    s_shape_length,
    walking_distance,
)

PICK_COUNTS = (10, 30, 50)
EXACT_UP_TO = 10  # picks; Held-Karp takes about a second beyond


def _instance(rng: random.Random, picks: int) -> tuple[Aisles, Spot, list[Spot]]:
    aisles = Aisles(rng.randint(10, 20), float(rng.choice((20, 30, 40))), 3.0)
    depot = Spot(rng.randrange(aisles.count), 0.0)
    return aisles, depot, [Spot(rng.randrange(aisles.count),
                                round(rng.uniform(0.5, aisles.length_m - 0.5), 1))
                           for _ in range(picks)]


def held_karp(aisles: Aisles, depot: Spot, picks: list[Spot]) -> float:
    """The exact shortest tour from the depot through every pick: O(2^n n^2)."""
    spots = [depot, *sorted(set(picks))]
    count = len(spots) - 1
    distance = [[walking_distance(aisles, a, b) for b in spots] for a in spots]
    best: dict[tuple[int, int], float] = {(1 << i, i + 1): distance[0][i + 1]
                                          for i in range(count)}
    for size in range(2, count + 1):
        for chosen in combinations(range(count), size):
            mask = sum(1 << i for i in chosen)
            for last in chosen:
                before = mask & ~(1 << last)
                best[(mask, last + 1)] = min(best[(before, k + 1)] + distance[k + 1][last + 1]
                                             for k in chosen if k != last)
    full = (1 << count) - 1
    return min(best[(full, i + 1)] + distance[i + 1][0] for i in range(count)) if count else 0


def _percent(longer: float, shortest: float) -> float:
    return 100 * (longer - shortest) / shortest if shortest else 0.0


def measure(picks: int, instances: int, rng: random.Random) -> dict[str, float]:
    times, s_shape, largest_gap, gaps = [], [], [], []
    for _ in range(instances):
        aisles, depot, spots = _instance(rng, picks)
        started = time.perf_counter()
        route = shortest_route(aisles, depot, spots)
        times.append(time.perf_counter() - started)
        s_shape.append(_percent(s_shape_length(aisles, depot, spots), route.length_m))
        largest_gap.append(_percent(largest_gap_length(aisles, depot, spots), route.length_m))
        if picks <= EXACT_UP_TO:
            gaps.append(_percent(route.length_m, held_karp(aisles, depot, spots)))
    times.sort()
    return {"median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
            "s_shape_mean": statistics.mean(s_shape), "s_shape_max": max(s_shape),
            "largest_gap_mean": statistics.mean(largest_gap), "largest_gap_max": max(largest_gap),
            "gap_max": max(gaps) if gaps else float("nan"), "exact": len(gaps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200, help="random instances per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"single-block warehouses of 10-20 aisles, 20-40 m long, 3 m apart; depot at the "
          f"front; {args.instances} random instances per size\n")
    header = (f"{'picks':>5}  {'median ms':>9}  {'p95 ms':>7}  {'gap to optimum':>14}  "
              f"{'S-shape longer':>18}  {'largest gap longer':>18}")
    print(header + "\n" + "-" * len(header))
    for picks in PICK_COUNTS:
        row = measure(picks, args.instances, rng)
        exact = (f"{row['gap_max']:.2f}% max" if row["exact"]
                 else "exact by design")
        print(f"{picks:>5}  {row['median_ms']:>9.3f}  {row['p95_ms']:>7.3f}  {exact:>14}  "
              f"{row['s_shape_mean']:>6.1f}% (max {row['s_shape_max']:>4.1f}%)  "
              f"{row['largest_gap_mean']:>6.1f}% (max {row['largest_gap_max']:>4.1f}%)")
    print("\ngap to optimum: against Held-Karp's exact tour where measured (10 picks); the "
          "longer columns: mean (and worst) extra walking of that route over ours.")


if __name__ == "__main__":
    main()
