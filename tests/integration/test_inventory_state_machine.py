"""Random sequences of receipts, orders, cancellations, adjustments, counts, transfers and
stock policy changes, run against the real database and a simple model of stock.

After every step: the model and the database agree, on-hand equals the ledger, reserved
equals the open allocations, and available is never negative. Every example builds its own
skus, locations and channels with fresh codes and checks only those, so examples sharing one
database never meet, and a failing one cannot spoil the next while Hypothesis shrinks it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from ordermill.db.engine import Database
from ordermill.inventory.domain import available
from ordermill.inventory.queries import ledger_mismatches, list_levels
from ordermill.inventory.service import (
    adjust_stock,
    count_stock,
    receive_stock,
    set_stock_policy,
    transfer_stock,
)
from ordermill.orders.intake import place_order
from ordermill.orders.service import cancel_order
from ordermill.routing.domain import Candidate, Demand, Destination, RuleSet
from ordermill.routing.engine import route
from ordermill.shared.errors import Conflict, InsufficientStock
from tests import builders, stock_truth

_examples = itertools.count(1)
Place = tuple[str, str]

INDEX = st.integers(0, 1)
LINES = st.dictionaries(INDEX, st.integers(1, 6), min_size=1, max_size=2)


@dataclass
class Stock:
    on_hand: int = 0
    reserved: int = 0
    safety_stock: int = 0

    @property
    def free(self) -> int:
        return available(self.on_hand, self.reserved, self.safety_stock)


@dataclass
class Model:
    """What the stock should be: plain numbers, and which units each open order holds."""

    locations: list[str]  # in the channels' order of preference
    stock: dict[Place, Stock] = field(default_factory=lambda: defaultdict(Stock))
    holdings: dict[int, list[tuple[Place, int]]] = field(default_factory=dict)

    def plan(self, lines: dict[str, int]) -> tuple[dict[str, list[tuple[str, int]]], bool]:
        """Where each line's units come from, and whether any are short: the routing engine
        (tested on its own in tests/unit/routing) with the default rules, over the free
        stock this model keeps, the locations in priority order."""
        skus = list(lines)
        demands = [Demand(index, units, {index: 1}) for index, units in enumerate(lines.values())]
        candidates = [Candidate(location, priority, {
            index: self.stock[(sku, location)].free for index, sku in enumerate(skus)})
            for priority, location in enumerate(self.locations, start=1)]
        decided = route(demands, Destination("US"), candidates, RuleSet())
        plan: dict[str, list[tuple[str, int]]] = {sku: [] for sku in skus}
        for index, location, units in decided.allocations:
            plan[skus[index]].append((location, units))
        return plan, bool(decided.short)


class InventoryMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        example = next(_examples)
        self.skus = [f"SKU-{example}-A", f"SKU-{example}-B"]
        self.locations = [f"loc-{example}-near", f"loc-{example}-far"]
        self.channels = {"reject": f"reject-{example}", "backorder": f"backorder-{example}"}
        self.order_numbers = itertools.count(1)
        self.placed: set[int] = set()
        for sku in self.skus:
            builders.product(database, sku)
        for priority, code in enumerate(self.locations, start=1):
            builders.location(database, code, priority=priority)
        for policy, code in self.channels.items():
            builders.channel(database, code, self.locations, shortage_policy=policy)
        self.model = Model(self.locations)

    def _uow(self) -> Any:
        return builders.uow(self.database)

    @rule(sku=INDEX, location=INDEX, quantity=st.integers(1, 20))
    def receive(self, sku: int, location: int, quantity: int) -> None:
        receive_stock(self._uow(), sku=self.skus[sku], location=self.locations[location],
                      quantity=quantity)
        self.model.stock[(self.skus[sku], self.locations[location])].on_hand += quantity

    @rule(sku=INDEX, location=INDEX, quantity=st.integers(-15, 15).filter(bool))
    def adjust(self, sku: int, location: int, quantity: int) -> None:
        stock = self.model.stock[(self.skus[sku], self.locations[location])]
        try:
            adjust_stock(self._uow(), sku=self.skus[sku], location=self.locations[location],
                         quantity=quantity, reason="damaged" if quantity < 0 else "found")
        except Conflict:
            assert stock.on_hand + quantity < 0
            return
        assert stock.on_hand + quantity >= 0
        stock.on_hand += quantity

    @rule(sku=INDEX, location=INDEX, quantity=st.integers(0, 25))
    def count(self, sku: int, location: int, quantity: int) -> None:
        result = count_stock(self._uow(), sku=self.skus[sku],
                             location=self.locations[location], quantity=quantity)
        stock = self.model.stock[(self.skus[sku], self.locations[location])]
        assert result["difference"] == quantity - stock.on_hand
        stock.on_hand = quantity

    @rule(sku=INDEX, source=INDEX, quantity=st.integers(1, 15))
    def transfer(self, sku: int, source: int, quantity: int) -> None:
        origin, target = self.locations[source], self.locations[1 - source]
        moved_from = self.model.stock[(self.skus[sku], origin)]
        try:
            transfer_stock(self._uow(), sku=self.skus[sku], from_location=origin,
                           to_location=target, quantity=quantity)
        except Conflict:
            assert moved_from.free < quantity
            return
        assert moved_from.free >= quantity
        moved_from.on_hand -= quantity
        self.model.stock[(self.skus[sku], target)].on_hand += quantity

    @rule(sku=INDEX, location=INDEX, safety_stock=st.integers(0, 5))
    def set_safety_stock(self, sku: int, location: int, safety_stock: int) -> None:
        set_stock_policy(self._uow(), sku=self.skus[sku], location=self.locations[location],
                         safety_stock=safety_stock)
        self.model.stock[(self.skus[sku], self.locations[location])].safety_stock = safety_stock

    @rule(target=orders, wanted=LINES, policy=st.sampled_from(["reject", "backorder"]))
    def place(self, wanted: dict[int, int], policy: str) -> Any:
        lines = {self.skus[index]: units for index, units in wanted.items()}
        plan, short = self.model.plan(lines)
        external_id = f"O-{next(self.order_numbers)}"
        try:
            placed = place_order(self._uow(), builders.order_input(
                self.channels[policy], external_id, lines))
        except InsufficientStock:
            assert short and policy == "reject"
            return multiple()
        assert not (short and policy == "reject")
        order = placed.order
        assert order["status"] == ("pending" if short else "confirmed")
        reserved = {line["sku"]: [(r["location"], r["quantity"]) for r in line["reservations"]]
                    for line in order["lines"]}
        assert reserved == plan
        holdings = [((sku, location), units) for sku, parts in plan.items()
                    for location, units in parts]
        for place, units in holdings:
            self.model.stock[place].reserved += units
        self.model.holdings[order["id"]] = holdings
        self.placed.add(order["id"])
        return order["id"]

    @rule(order_id=consumes(orders))
    def cancel(self, order_id: int) -> None:
        cancelled = cancel_order(self._uow(), order_id=order_id)
        assert cancelled["status"] == "cancelled"
        for place, units in self.model.holdings.pop(order_id):
            self.model.stock[place].reserved -= units

    def _ours(self, place: Place) -> bool:
        return place[0] in self.skus

    @invariant()
    def database_agrees_with_the_model(self) -> None:
        with self.database.reading() as connection:
            levels = {p: level for p, level in stock_truth.levels(connection).items()
                      if self._ours(p)}
            held = {p: units for p, units in stock_truth.allocated_units(connection).items()
                    if self._ours(p)}
            views = [v for sku in self.skus for v in list_levels(connection, sku=sku)[0]]
            mismatches = [m for m in ledger_mismatches(connection) if m[0] in self.skus]
            half_reserved = [order_id for order_id in stock_truth.half_reserved_orders(connection)
                             if order_id in self.placed]
        expected = {p: s for p, s in self.model.stock.items() if s != Stock()}
        assert {p: Stock(lv.on_hand, lv.reserved, lv.safety_stock)
                for p, lv in levels.items() if Stock(lv.on_hand, lv.reserved,
                                                    lv.safety_stock) != Stock()} == expected
        assert {p: lv.reserved for p, lv in levels.items() if lv.reserved} == held
        assert mismatches == []
        assert half_reserved == []
        for view in views:
            stock = self.model.stock[(view["sku"], view["location"])]
            assert view["available"] == stock.free
            assert view["available"] == max(0, view["on_hand"] - view["reserved"]
                                            - view["safety_stock"]) >= 0


def test_stock_keeps_every_invariant_whatever_happens_in_whatever_order(
        database: Database) -> None:
    run_state_machine_as_test(
        lambda: InventoryMachine(database),
        settings=settings(max_examples=25, stateful_step_count=30, deadline=None))
