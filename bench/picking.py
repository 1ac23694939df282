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

from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.pick_tour import (
    Blocks,
    block_distance,
    held_karp,
    shortest_tour,
    tour_length,
)
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


def exact_length(aisles: Aisles, depot: Spot, picks: list[Spot]) -> float:
    """The exact shortest tour by Held-Karp over the walking distances (O(2^n n^2))."""
    places = [depot, *sorted(set(picks) - {depot})]
    distance = [[walking_distance(aisles, a, b) for b in places] for a in places]
    return tour_length(distance, held_karp(distance))


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
            gaps.append(_percent(route.length_m, exact_length(aisles, depot, spots)))
    times.sort()
    return {"median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
            "s_shape_mean": statistics.mean(s_shape), "s_shape_max": max(s_shape),
            "largest_gap_mean": statistics.mean(largest_gap), "largest_gap_max": max(largest_gap),
            "gap_max": max(gaps) if gaps else float("nan"), "exact": len(gaps)}


def measure_blocks(picks: int, instances: int, rng: random.Random) -> dict[str, float]:
    """Layouts of 3-5 cross aisles: the tour's time, and its gap to Held-Karp's optimum where
    that is computed here (10 picks: beyond the tour's own exact limit, so its local search)."""
    times, gaps = [], []
    for _ in range(instances):
        aisles, depot, spots = _instance(rng, picks)
        blocks = Blocks(aisles, rng.randint(3, 5))
        started = time.perf_counter()
        tour = shortest_tour(blocks, depot, spots)
        times.append(time.perf_counter() - started)
        if picks <= EXACT_UP_TO:
            places = [depot, *sorted(set(spots) - {depot})]
            distance = [[block_distance(blocks, a, b) for b in places] for a in places]
            gaps.append(_percent(tour.length_m, tour_length(distance, held_karp(distance))))
    times.sort()
    return {"median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
            "gap_mean": statistics.mean(gaps) if gaps else float("nan"),
            "gap_max": max(gaps) if gaps else float("nan"),
            "optimal": sum(gap < 1e-9 for gap in gaps), "exact": len(gaps)}


def _blocks_table(instances: int, rng: random.Random) -> None:
    print("\nseveral blocks (3-5 cross aisles), the same warehouses otherwise\n")
    header = f"{'picks':>5}  {'median ms':>9}  {'p95 ms':>7}  {'gap to optimum':>34}"
    print(header + "\n" + "-" * len(header))
    for picks in PICK_COUNTS:
        row = measure_blocks(picks, instances, rng)
        gap = (f"mean {row['gap_mean']:.2f}%, max {row['gap_max']:.2f}%, "
               f"{row['optimal']:.0f}/{row['exact']:.0f} optimal" if row["exact"]
               else "not measured")
        print(f"{picks:>5}  {row['median_ms']:>9.3f}  {row['p95_ms']:>7.3f}  {gap:>34}")


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
    _blocks_table(args.instances, rng)


if __name__ == "__main__":
    main()
