"""The demo's stock: which location carries which sku, how much, and the policy around it.

Sized by what sells now: weeks of cover, safety stock against a few bad days, a reorder
point that covers the supplier's lead time. Some rows run low and the two best sellers are
sold out in the US, so alerts and backorders have something to show.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ordermill.db.uow import UnitOfWork
from ordermill.demo.catalog import Item
from ordermill.demo.history import SalesModel
from ordermill.demo.places import EU_3PL, STORE, US_EAST, US_WEST, ChannelPlan
from ordermill.demo.progress import Progress
from ordermill.inventory import service

CARRIED = {US_EAST: 1.0, US_WEST: 0.85, EU_3PL: 0.6, STORE: 0.4}  # share of simple skus
LOCATION_SHARES = {  # how a channel's sales split over the locations that ship them
    "web": {US_EAST: 0.6, US_WEST: 0.3, STORE: 0.1},
    "shopify": {US_WEST: 0.5, US_EAST: 0.5},
    "amazon": {US_EAST: 0.6, US_WEST: 0.4},
    "ebay": {EU_3PL: 1.0},
    "pos": {STORE: 1.0},
}
LEAD_DAYS = {US_EAST: 14, US_WEST: 14, EU_3PL: 21, STORE: 7}
SAFETY_DAYS = 3
ROWS_PER_PURCHASE_ORDER = 15
ADJUSTMENT_REASONS = ("damaged", "lost", "expired")


@dataclass(frozen=True)
class StockPlan:
    sku: str
    location: str
    on_hand: int
    safety_stock: int
    reorder_point: int


@dataclass(frozen=True)
class Correction:
    """A later change to a row: an adjustment with a reason, or a cycle count."""

    sku: str
    location: str
    counted: bool
    quantity: int
    reason: str


def carried_skus(rng: random.Random, items: list[Item]) -> dict[str, set[str]]:
    simple = [item.facts.sku for item in items if not item.facts.components]
    return {location: {sku for sku in simple if share >= 1 or rng.random() < share}
            for location, share in CARRIED.items()}


def assortments(rng: random.Random, items: list[Item], carried: dict[str, set[str]],
                channels: tuple[ChannelPlan, ...]) -> dict[str, list[str]]:
    """What each channel sells: what one of its locations can ship (a kit: all its parts
    in one place); a tenth of the range is kept off the marketplace in the US."""
    sold = {}
    for plan in channels:
        skus = []
        for item in items:
            parts = [c.sku for c in item.facts.components] or [item.facts.sku]
            if any(all(p in carried[loc] for p in parts) for loc in plan.facts.locations):
                skus.append(item.facts.sku)
        if plan.facts.code == "amazon":
            skus = [sku for sku in skus if rng.random() >= 0.1]
        sold[plan.facts.code] = skus
    return sold


def sold_out(model: SalesModel, items: list[Item]) -> set[str]:
    """The two best sellers today, out of stock in the US while a shipment is on its way."""
    simple = [i.facts.sku for i in items
              if not i.facts.components and not model.demand[i.facts.sku].intermittent]
    return set(sorted(simple, key=lambda sku: -model.rate(sku, model.days - 1))[:2])


def plan_stock(rng: random.Random, model: SalesModel, channels: tuple[ChannelPlan, ...],
               carried: dict[str, set[str]], out_of_stock: set[str],
               ) -> tuple[list[StockPlan], list[Correction]]:
    daily: dict[tuple[str, str], float] = defaultdict(float)
    for plan in channels:
        for sku, units in model.units_per_day(plan).items():
            for location, share in LOCATION_SHARES[plan.facts.code].items():
                daily[(sku, location)] += units * share
    plans, corrections = [], []
    for location, skus in carried.items():
        for sku in sorted(skus):
            row = _row(rng, sku, location, daily[(sku, location)],
                       model.demand[sku].intermittent)
            if sku in out_of_stock and location != EU_3PL:
                row = StockPlan(sku, location, 0, row.safety_stock, row.reorder_point)
            plans.append(row)
            correction = _correction(rng, row)
            if correction is not None:
                corrections.append(correction)
    return plans, corrections


def _row(rng: random.Random, sku: str, location: str, rate: float,
         intermittent: bool) -> StockPlan:
    if intermittent:
        return StockPlan(sku, location, rng.randint(12, 60), 0, 12)
    safety = math.ceil(rate * SAFETY_DAYS)
    reorder = safety + math.ceil(rate * LEAD_DAYS[location])
    if rng.random() < 0.1:
        # Just at the reorder point once safety stock is set aside: an alert is due.
        return StockPlan(sku, location, reorder + rng.randint(1, max(1, safety)), safety,
                         reorder)
    cover_days = rng.uniform(25, 80)
    on_hand = max(safety + rng.randint(3, 8), math.ceil(rate * cover_days))
    return StockPlan(sku, location, on_hand, safety, reorder)


def _correction(rng: random.Random, row: StockPlan) -> Correction | None:
    roll = rng.random()
    if row.on_hand == 0 or roll >= 0.08:
        return None
    if roll < 0.01:
        return Correction(row.sku, row.location, False, 1, "found")
    if roll < 0.04:
        units = min(row.on_hand, rng.randint(1, 3))
        return Correction(row.sku, row.location, False, -units, rng.choice(ADJUSTMENT_REASONS))
    counted = max(0, row.on_hand + rng.choice((-2, -1, 1, 2)))
    return Correction(row.sku, row.location, True, counted, "cycle count")


def create_stock(unit_of_work: Callable[[], UnitOfWork], plans: list[StockPlan],
                 corrections: list[Correction], progress: Progress) -> None:
    """Receipts on purchase orders, then each row's policy, then the corrections."""
    progress.stage("Stock", len(plans) + len(corrections))
    for number, row in enumerate(plans):
        if row.on_hand:
            service.receive_stock(unit_of_work(), sku=row.sku, location=row.location,
                                  quantity=row.on_hand,
                                  reference=f"PO-{row.location}-"
                                            f"{1001 + number // ROWS_PER_PURCHASE_ORDER}")
        service.set_stock_policy(unit_of_work(), sku=row.sku, location=row.location,
                                 safety_stock=row.safety_stock, reorder_point=row.reorder_point)
        progress.advance()
    for correction in corrections:
        if correction.counted:
            service.count_stock(unit_of_work(), sku=correction.sku,
                                location=correction.location, quantity=correction.quantity,
                                reason=correction.reason)
        else:
            service.adjust_stock(unit_of_work(), sku=correction.sku,
                                 location=correction.location, quantity=correction.quantity,
                                 reason=correction.reason)
        progress.advance()
