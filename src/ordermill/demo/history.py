"""The demo's sales history: how much each sku sells on each day and channel, as orders.

A weekly rhythm per channel, a growing business, one mid-season sale, per-sku trends and
launches, and intermittent skus that sell rarely but in lumps. Pure: no database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from ordermill.demo.catalog import Item, retail_price
from ordermill.demo.customers import Buyer, CustomerBook
from ordermill.demo.places import EUR_PER_100_USD, ChannelPlan
from ordermill.orders.domain import LineInput, OrderInput, PaymentStatus

LINES_PER_ORDER = {1: 0.55, 2: 0.27, 3: 0.12, 4: 0.06}
UNITS_PER_LINE = {1: 0.80, 2: 0.15, 3: 0.05}
LUMPS = (6, 10, 12, 20, 24, 36, 48)  # intermittent skus sell to shops and offices by the case
LUMP_CHANCE = 0.05  # per intermittent sku and day, at scale 1
LUMP_CHANNELS = ("web", "amazon")
SALE_TAG, SALE_DAYS, SALE_LIFT, SALE_PERCENT = "mid-season-sale", 4, 1.8, 15
SALE_CHANNELS = ("web", "shopify")
NOTES = ("Please leave the parcel with the neighbours.", "Gift: no prices in the parcel, please.",
         "Ring twice, the bell is weak.", "Deliver after 5 pm if possible.")
# Orders per hour of the day (UTC): US evenings, European evenings, the store's opening hours.
HOURS = {
    "US": (8, 7, 6, 4, 3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 8, 8, 9, 9, 9),
    "amazon": (8, 7, 6, 4, 3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 8, 8, 9, 9, 9),
    "EU": (1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 6, 6, 7, 8, 9, 9, 8, 6, 3, 2),
    "store": (0,) * 14 + (4, 6, 7, 7, 7, 7, 7, 8, 8, 6),
}
CATEGORY_APPEAL = {"COF": 1.4, "KCH": 1.0, "OUT": 0.9, "BAG": 0.8, "TEX": 0.8, "PRT": 0.3,
                   "KIT": 0.5}


@dataclass(frozen=True)
class Demand:
    popularity: float
    trend: float  # growth per day: 0.004 is +0.4% a day
    intermittent: bool
    first_day: int  # launched that day; nothing sold before


def draw_demand(rng: random.Random, items: list[Item], days: int) -> dict[str, Demand]:
    """Per sku: most are steady, a fifth grow, a fifth decline, a few were launched lately,
    and about one in eight (all spare parts among them) sells only now and then."""
    demand = {}
    for item in items:
        roll = rng.random()
        trend = (rng.uniform(0.002, 0.006) if roll < 0.2 else
                 rng.uniform(-0.005, -0.0015) if roll < 0.4 else rng.gauss(0, 0.0008))
        launched = not item.facts.components and rng.random() < 0.06 and days > 30
        demand[item.facts.sku] = Demand(
            popularity=rng.lognormvariate(0, 0.9) * CATEGORY_APPEAL[item.category],
            trend=abs(trend) if launched else trend,
            intermittent=not item.facts.components and (item.category == "PRT"
                                                        or rng.random() < 0.09),
            first_day=days - rng.randint(15, min(60, days - 1)) if launched else 0)
    return demand


@dataclass
class SalesModel:
    items: dict[str, Item]
    demand: dict[str, Demand]
    assortments: dict[str, list[str]]  # channel code -> skus it sells
    days: int
    scale: float

    def rate(self, sku: str, day: int) -> float:
        """Relative sales of a sku on a day; today's rate is its popularity."""
        demand = self.demand[sku]
        if day < demand.first_day:
            return 0.0
        return demand.popularity * math.exp(demand.trend * (day - (self.days - 1)))

    def orders_expected(self, plan: ChannelPlan, day: int, weekday: int) -> float:
        growth = 0.8 + 0.3 * day / max(1, self.days - 1)
        lift = SALE_LIFT if self.on_sale(plan, day) else 1.0
        return plan.orders_per_day * self.scale * plan.weekdays[weekday] * growth * lift

    def on_sale(self, plan: ChannelPlan, day: int) -> bool:
        start = self.days - 45
        return start > 0 and start <= day < start + SALE_DAYS and plan.facts.code in SALE_CHANNELS

    def regular_skus(self, channel: str) -> list[str]:
        return [s for s in self.assortments[channel] if not self.demand[s].intermittent]

    def units_per_day(self, plan: ChannelPlan) -> dict[str, float]:
        """Units of each simple sku the channel sells on an average day now; kits count as
        their parts. What the stock plan is sized by."""
        skus = self.regular_skus(plan.facts.code)
        weights = {sku: self.rate(sku, self.days - 1) for sku in skus}
        total = sum(weights.values()) or 1.0
        lines = self.orders_expected(plan, self.days - 1, 3) * _mean(LINES_PER_ORDER)
        units: dict[str, float] = {}
        for sku, weight in weights.items():
            sold = lines * _mean(UNITS_PER_LINE) * weight / total
            for part, per_unit in _parts(self.items[sku]):
                units[part] = units.get(part, 0.0) + sold * per_unit
        if plan.facts.code in LUMP_CHANNELS:
            lump = self.scale * LUMP_CHANCE * sum(LUMPS) / len(LUMPS) / len(LUMP_CHANNELS)
            for sku in self.assortments[plan.facts.code]:
                if self.demand[sku].intermittent:
                    units[sku] = units.get(sku, 0.0) + lump
        return units


def _mean(distribution: dict[int, float]) -> float:
    return sum(value * share for value, share in distribution.items())


def _parts(item: Item) -> list[tuple[str, int]]:
    if item.facts.components:
        return [(c.sku, c.quantity) for c in item.facts.components]
    return [(item.facts.sku, 1)]


def poisson(rng: random.Random, expected: float) -> int:
    """Knuth's method: fine for the tens of orders a channel takes in a day."""
    limit, count, product = math.exp(-expected), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class OrderWriter:
    """Turns the model into orders, day by day, channel by channel, in time order."""

    def __init__(self, model: SalesModel, channels: tuple[ChannelPlan, ...], book: CustomerBook,
                 rng: random.Random) -> None:
        self.model, self.channels, self.book, self.rng = model, channels, book, rng
        self._numbers = {plan.facts.code: 0 for plan in channels}

    def orders(self, first_day: date, now: datetime, open_from: datetime) -> Iterator[OrderInput]:
        """Every order from `first_day` until `now`; those placed from `open_from` on are still
        open, so they are not paid for yet everywhere."""
        for day in range(self.model.days):
            today = first_day + timedelta(days=day)
            placed = [order for plan in self.channels for order in self._day(plan, day, today)]
            placed.sort(key=lambda order: order.placed_at or now)
            for order in placed:
                placed_at = order.placed_at
                assert placed_at is not None
                if placed_at > now:
                    continue  # today's orders still to come
                # Channels number their orders in the order they arrive.
                self._numbers[order.channel] += 1
                order = replace(order, external_id=external_id(order.channel,
                                                                self._numbers[order.channel]))
                yield self._opened(order) if placed_at >= open_from else order

    def _day(self, plan: ChannelPlan, day: int, today: date) -> Iterator[OrderInput]:
        weekday = today.weekday()
        skus = self.model.regular_skus(plan.facts.code)
        weights = [self.model.rate(sku, day) for sku in skus]
        if skus and sum(weights) > 0:
            for _ in range(poisson(self.rng, self.model.orders_expected(plan, day, weekday))):
                lines = self._choose_lines(skus, weights)
                yield self._order(plan, day, today, lines)
        if plan.facts.code in LUMP_CHANNELS:
            chance = min(1.0, LUMP_CHANCE * self.model.scale)
            for sku in self.model.assortments[plan.facts.code]:
                if self.model.demand[sku].intermittent and self.rng.random() < chance:
                    yield self._order(plan, day, today, {sku: self.rng.choice(LUMPS)},
                                      tags=["b2b"])

    def _choose_lines(self, skus: list[str], weights: list[float]) -> dict[str, int]:
        count = self.rng.choices(list(LINES_PER_ORDER), list(LINES_PER_ORDER.values()))[0]
        lines: dict[str, int] = {}
        for sku in self.rng.choices(skus, weights, k=count):
            units = self.rng.choices(list(UNITS_PER_LINE), list(UNITS_PER_LINE.values()))[0]
            lines[sku] = lines.get(sku, 0) + units
        return lines

    def _order(self, plan: ChannelPlan, day: int, today: date, lines: dict[str, int],
               tags: list[str] | None = None) -> OrderInput:
        rng, code = self.rng, plan.facts.code
        buyer = self.book.buyer(plan.region)
        hour = rng.choices(range(24), HOURS[plan.region])[0]
        placed_at = datetime.combine(today, time(hour, rng.randrange(60), rng.randrange(60)),
                                     tzinfo=UTC)
        tags = list(tags or [])
        percent = 0
        if self.model.on_sale(plan, day) and rng.random() < 0.7:
            percent = SALE_PERCENT
            tags.append(SALE_TAG)
        elif code in SALE_CHANNELS and rng.random() < 0.12:
            percent = 10  # a newsletter code
        if rng.random() < 0.04:
            tags.append("gift")
        if code == "pos":
            tags.append("pickup")
        order_lines = [self._line(plan, sku, units, percent, buyer) for sku, units in
                       lines.items()]
        subtotal = sum(line.quantity * line.unit_price for line in order_lines)
        free = plan.free_shipping_from is not None and subtotal >= plan.free_shipping_from
        return OrderInput(
            channel=code, external_id="numbered on arrival",
            currency=plan.currency, email=buyer.email, customer_name=buyer.name,
            customer_phone=buyer.phone, lines=order_lines, shipping_address=buyer.address,
            shipping_price=0 if free else plan.shipping_price,
            payment_status=PaymentStatus.PAID, tags=tags, placed_at=placed_at,
            notes=rng.choice(NOTES) if rng.random() < 0.03 else None)

    def _line(self, plan: ChannelPlan, sku: str, units: int, percent: int,
              buyer: Buyer) -> LineInput:
        price = self.model.items[sku].facts.default_price
        if plan.currency == "EUR":
            price = retail_price(price * EUR_PER_100_USD // 100)
        if plan.price_percent != 100:
            price = retail_price(price * plan.price_percent // 100)
        discount = units * price * percent // 100
        # Tax on the discounted amount, rounded half up to the cent.
        tax = ((units * price - discount) * buyer.tax_basis_points + 5000) // 10000
        return LineInput(sku, units, price, discount, tax if plan.tax else 0)

    def _opened(self, order: OrderInput) -> OrderInput:
        """Orders of the last days: card payments are only authorized at some shops, and a
        few web buyers chose bank transfer and have not paid."""
        if order.channel == "shopify":
            return replace(order, payment_status=PaymentStatus.AUTHORIZED)
        if order.channel == "web" and self.rng.random() < 0.05:
            return replace(order, payment_status=PaymentStatus.UNPAID)
        return order


def external_id(channel: str, number: int) -> str:
    """Order ids in each channel's own style."""
    if channel == "shopify":
        return f"#{1000 + number}"
    if channel == "amazon":
        return f"1{number % 90 + 10}-{number:07d}-{number * 7_654_321 % 10**7:07d}"
    if channel == "ebay":
        return f"{number % 90 + 10}-{number:05d}-{number * 48_271 % 10**5:05d}"
    if channel == "pos":
        return f"BK-{number:06d}"
    return f"W{100000 + number}"
