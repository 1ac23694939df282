"""The routing engine's rules: which locations may ship an order, how each scores on the
channel's preferences, and which ships what. Pure; every decision explains itself."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from statistics import median

from ordermill.catalog.domain import kit_units_available
from ordermill.shared.errors import ErrorCollector

EARTH_RADIUS_KM = 6371.0088
NEUTRAL = 0.5  # the score of a criterion nothing is known about


class Criterion(StrEnum):
    FEWEST_SHIPMENTS = "fewest_shipments"
    DISTANCE = "distance"
    SHIPPING_COST = "shipping_cost"
    PRIORITY = "priority"
    PERFORMANCE = "performance"


class Filter(StrEnum):
    SHIPS_TO = "ships_to_destination"
    STOCK = "has_stock"
    CAPACITY = "capacity"
    CUTOFF = "cutoff"


class Policy(StrEnum):
    SHIP_COMPLETE = "ship_complete"  # from one location when one can, else split
    ALLOW_SPLITS = "allow_splits"  # each line from the best location that has it
    HOLD_UNTIL_COMPLETE = "hold_until_complete"  # one location ships all, or wait


@dataclass(frozen=True)
class Rule:
    criterion: Criterion
    weight: float = 1.0


@dataclass(frozen=True)
class RuleSet:
    """A channel's routing: preferences in order (earlier ones break ties first)."""

    rules: tuple[Rule, ...] = (Rule(Criterion.FEWEST_SHIPMENTS, 3), Rule(Criterion.DISTANCE, 2),
                               Rule(Criterion.PRIORITY, 1))
    filters: frozenset[Filter] = frozenset(Filter)
    policy: Policy = Policy.SHIP_COMPLETE
    split_penalty: int = 500  # minor units an extra shipment costs, for batch optimisation


@dataclass(frozen=True)
class Performance:
    """A location's record: share shipped on time, median hours from order to shipment, and
    share of its fulfillment orders rejected or short-picked. None where it has no history."""

    on_time_rate: float | None = None
    median_hours_to_ship: float | None = None
    short_pick_rate: float | None = None


@dataclass(frozen=True)
class Candidate:
    location: str
    priority: int
    free: dict[int, int]  # product id -> units it may still reserve
    coordinates: tuple[float, float] | None = None
    ships_to: frozenset[str] | None = None  # ISO countries; None: anywhere
    capacity_left: int | None = None  # orders it may still take today; None: no limit
    past_cutoff: bool = False
    shipping_cost: int | None = None  # estimate to the destination, minor units
    performance: Performance = Performance()


@dataclass(frozen=True)
class Demand:
    line_index: int
    units: int
    parts: dict[int, int]  # product id -> units of it in one unit of the line


@dataclass(frozen=True)
class Destination:
    country: str
    coordinates: tuple[float, float] | None = None


@dataclass(frozen=True)
class Considered:
    location: str
    excluded_by: Filter | None
    why_excluded: str | None
    scores: dict[Criterion, float]
    total: float


@dataclass
class RoutePlan:
    allocations: list[tuple[int, str, int]] = field(default_factory=list)  # line, location, units
    short: dict[int, int] = field(default_factory=dict)  # line index -> units left unplaced
    held: bool = False
    considered: list[Considered] = field(default_factory=list)
    reason: str = ""


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def exclusion(candidate: Candidate, demands: Sequence[Demand], destination: Destination,
              filters: frozenset[Filter]) -> tuple[Filter, str] | None:
    """The first filter the candidate fails, and why; None when it may ship."""
    if (Filter.SHIPS_TO in filters and candidate.ships_to is not None
            and destination.country not in candidate.ships_to):
        return Filter.SHIPS_TO, f"does not ship to {destination.country}"
    if Filter.CAPACITY in filters and candidate.capacity_left is not None \
            and candidate.capacity_left <= 0:
        return Filter.CAPACITY, "daily order limit reached"
    if Filter.CUTOFF in filters and candidate.past_cutoff:
        return Filter.CUTOFF, "past the carrier cut-off"
    if Filter.STOCK in filters and not any(_units(candidate.free, d) for d in demands):
        return Filter.STOCK, "no stock for any line"
    return None


def _units(free: dict[int, int], demand: Demand) -> int:
    return min(demand.units, kit_units_available(demand.parts, {
        product: free.get(product, 0) for product in demand.parts}))


def coverage(candidate: Candidate, demands: Sequence[Demand]) -> float:
    """The share of the order's units this location could ship on its own."""
    free, covered = dict(candidate.free), 0
    for demand in demands:
        units = _units(free, demand)
        for product, per_unit in demand.parts.items():
            free[product] = free.get(product, 0) - units * per_unit
        covered += units
    return covered / max(1, sum(d.units for d in demands))


def criterion_scores(candidates: Sequence[Candidate], demands: Sequence[Demand],
                     destination: Destination) -> dict[str, dict[Criterion, float]]:
    """Every criterion scored from 0 (worst of these candidates) to 1 (best)."""
    def distance(c: Candidate) -> float | None:
        if c.coordinates is None or destination.coordinates is None:
            return None
        return haversine_km(c.coordinates, destination.coordinates)

    columns = {
        Criterion.FEWEST_SHIPMENTS: {c.location: coverage(c, demands) for c in candidates},
        Criterion.DISTANCE: _lower_is_better({c.location: distance(c) for c in candidates}),
        Criterion.SHIPPING_COST: _lower_is_better(
            {c.location: None if c.shipping_cost is None else float(c.shipping_cost)
             for c in candidates}),
        Criterion.PRIORITY: _lower_is_better({c.location: float(c.priority)
                                              for c in candidates}),
        Criterion.PERFORMANCE: _performance(candidates),
    }
    return {c.location: {criterion: column[c.location] for criterion, column in columns.items()}
            for c in candidates}


def _lower_is_better(values: dict[str, float | None]) -> dict[str, float]:
    known = [v for v in values.values() if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    return {location: NEUTRAL if value is None else
            1.0 if high == low else (high - value) / (high - low)
            for location, value in values.items()}


def _performance(candidates: Sequence[Candidate]) -> dict[str, float]:
    speed = _lower_is_better({c.location: c.performance.median_hours_to_ship
                              for c in candidates})
    scores = {}
    for c in candidates:
        record = c.performance
        parts = [record.on_time_rate,
                 None if record.short_pick_rate is None else 1 - record.short_pick_rate,
                 None if record.median_hours_to_ship is None else speed[c.location]]
        known = [p for p in parts if p is not None]
        scores[c.location] = sum(known) / len(known) if known else NEUTRAL
    return scores


MAX_WEIGHT = 100.0
MAX_SPLIT_PENALTY = 10_000_000


def validate_rules(given: dict[str, object], errors: ErrorCollector) -> RuleSet:
    """A rule set as the API gives it, checked field by field; the defaults where errors."""
    policy = given.get("policy", Policy.SHIP_COMPLETE)
    if policy not in set(Policy):
        errors.add("policy", "one of " + ", ".join(p.value for p in Policy))
    rules = given.get("rules")
    parsed: list[Rule] = []
    if not isinstance(rules, list) or not 1 <= len(rules) <= len(Criterion):
        errors.add("rules", f"1 to {len(Criterion)} preferences, in the order they break ties")
        rules = []
    for index, rule in enumerate(rules):
        criterion, weight = (rule.get("criterion"), rule.get("weight", 1.0)) \
            if isinstance(rule, dict) else (None, None)
        if criterion not in set(Criterion):
            errors.add(f"rules.{index}.criterion", "one of " + ", ".join(Criterion))
        elif any(r.criterion == criterion for r in parsed):
            errors.add(f"rules.{index}.criterion", f"{criterion} is already in the list")
        elif isinstance(weight, bool) or not isinstance(weight, int | float) \
                or not 0 <= weight <= MAX_WEIGHT:
            errors.add(f"rules.{index}.weight", f"a number from 0 to {MAX_WEIGHT:g}")
        else:
            parsed.append(Rule(Criterion(str(criterion)), float(weight)))
    filters = given.get("filters", [f.value for f in Filter])
    if not isinstance(filters, list) or any(f not in set(Filter) for f in filters):
        errors.add("filters", "a list from " + ", ".join(Filter))
        filters = []
    penalty = given.get("split_penalty", RuleSet.split_penalty)
    if isinstance(penalty, bool) or not isinstance(penalty, int) \
            or not 0 <= penalty <= MAX_SPLIT_PENALTY:
        errors.add("split_penalty", f"minor units from 0 to {MAX_SPLIT_PENALTY}")
        penalty = 0
    if errors.errors:
        return RuleSet()
    return RuleSet(tuple(parsed), frozenset(Filter(str(f)) for f in filters),
                   Policy(str(policy)), int(penalty))


@dataclass(frozen=True)
class PastFulfillment:
    """One fulfillment order a location had, as its record counts it."""

    created_at: datetime
    ship_by: datetime | None
    shipped_at: datetime | None
    given_back: bool  # rejected, or units reported short when picking


def performance_from(history: Sequence[PastFulfillment]) -> Performance:
    """A location's record: the share of its shipments that left by their ship-by, the median
    hours from fulfillment order to shipment, and the share it gave back. None where nothing
    of that kind happened yet."""
    shipped = [(past, past.shipped_at) for past in history if past.shipped_at is not None]
    on_time = [shipped_at <= past.ship_by for past, shipped_at in shipped
               if past.ship_by is not None]
    hours = [(shipped_at - past.created_at).total_seconds() / 3600 for past, shipped_at in shipped]
    given_back = [past.given_back for past in history]
    return Performance(
        on_time_rate=sum(on_time) / len(on_time) if on_time else None,
        median_hours_to_ship=median(hours) if hours else None,
        short_pick_rate=sum(given_back) / len(given_back) if given_back else None)
