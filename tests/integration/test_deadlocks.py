"""Many buyers with overlapping multi-line baskets, cancellations among them, and relays
filling backorders, never deadlock and never leave an order half-reserved: order rows are
locked before stock rows, and each kind in id order.

Each buyer lists its lines in a different order, so locking in line order would deadlock.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ordermill.db import outbox
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.inventory.queries import ledger_mismatches
from ordermill.orders.domain import OrderInput
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.queries import list_orders
from ordermill.orders.service import LineCancellation, cancel_order
from ordermill.shared.errors import InsufficientStock
from ordermill.worker.relay import Relay
from tests import builders, stock_truth
from tests.concurrency import lock_trouble, run_together

SKUS = ["AXE", "BOW", "CAP", "DIE", "EGG", "FAN"]
BUYERS = 32


def _shop(database: Database, stock: dict[str, dict[str, int]]) -> None:
    """Two locations stocked per sku; the channel takes east first, then west."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    for sku in SKUS:
        builders.product(database, sku)
    builders.channel(database, "web", ["east", "west"])
    for location, units in stock.items():
        for sku, quantity in units.items():
            builders.stock(database, sku, location, quantity)


def _baskets(count: int, seed: int) -> list[OrderInput]:
    """Three to six lines each, starting at a different sku and half of them walking the
    skus backwards, so any two baskets are likely to want shared rows in opposite order."""
    chance = random.Random(seed)
    baskets = []
    for number in range(count):
        start = number % len(SKUS)
        walk = SKUS[start:] + SKUS[:start]
        if number % 2:
            walk.reverse()
        lines = {sku: chance.randint(1, 4) for sku in walk[:chance.randint(3, len(SKUS))]}
        baskets.append(builders.order_input("web", f"B-{seed}-{number}", lines,
                                            email=f"buyer{number}@example.com"))
    return baskets


def _placing(database: Database, basket: OrderInput) -> Callable[[], PlacedOrder]:
    return lambda: place_order(UnitOfWork(database, builders.TESTER), basket)


def _demand(baskets: list[OrderInput]) -> dict[str, int]:
    units: dict[str, int] = defaultdict(int)
    for basket in baskets:
        for line in basket.lines:
            units[line.sku] += line.quantity
    return dict(units)


def _reserved_by_sku(database: Database) -> dict[str, int]:
    """Units reserved per sku across locations, after checking that every stock row's
    reserved count is exactly what the open allocations hold."""
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
        assert ledger_mismatches(connection) == []
        assert stock_truth.half_reserved_orders(connection) == []
    assert {place: level.reserved for place, level in levels.items()
            if level.reserved} == held
    assert all(level.available >= 0 for level in levels.values())
    reserved: dict[str, int] = defaultdict(int)
    for (sku, _), units in held.items():
        reserved[sku] += units
    return dict(reserved)


def _sort(outcomes: list[Any]) -> tuple[list[PlacedOrder], list[InsufficientStock]]:
    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert len(placed) + len(refused) == len(outcomes), [
        o for o in outcomes if not isinstance(o, PlacedOrder | InsufficientStock)]
    return placed, refused


def test_overlapping_baskets_from_many_buyers_are_reserved_whole_or_not_at_all(
        database: Database) -> None:
    _shop(database, {"east": dict.fromkeys(SKUS, 25), "west": dict.fromkeys(SKUS, 25)})
    baskets = _baskets(BUYERS, seed=1)

    with lock_trouble(database) as trouble:
        placed, refused = _sort(run_together([_placing(database, b) for b in baskets]))

    assert trouble == []
    assert placed and refused
    accepted = [b for b in baskets if b.external_id in {p.order["external_id"] for p in placed}]
    assert _reserved_by_sku(database) == _demand(accepted)
    with database.reading() as connection:
        orders, _ = list_orders(connection, limit=100)
    assert sorted(o["external_id"] for o in orders) == sorted(b.external_id for b in accepted)
    assert all(p.order["status"] == "confirmed" for p in placed)


def test_baskets_split_across_locations_are_reserved_whole_by_every_buyer(
        database: Database) -> None:
    # No location has every sku, so most baskets lock rows at both.
    _shop(database, {"east": dict.fromkeys(SKUS[:3], 200), "west": dict.fromkeys(SKUS[3:], 200)})
    baskets = _baskets(BUYERS, seed=2)

    with lock_trouble(database) as trouble:
        placed, refused = _sort(run_together([_placing(database, b) for b in baskets]))

    assert trouble == []
    assert (len(placed), refused) == (BUYERS, [])
    spanning = [p for p in placed if len({r["location"] for line in p.order["lines"]
                                          for r in line["reservations"]}) == 2]
    assert len(spanning) > BUYERS // 2
    assert _reserved_by_sku(database) == _demand(baskets)


def test_cancellations_racing_new_orders_over_the_same_skus_never_deadlock(
        database: Database) -> None:
    _shop(database, {"east": dict.fromkeys(SKUS, 30), "west": dict.fromkeys(SKUS, 30)})
    earlier = _baskets(BUYERS // 2, seed=3)
    for basket in earlier:
        place_order(builders.uow(database), basket)
    with database.reading() as connection:
        to_cancel = [o["id"] for o in list_orders(connection, limit=100)[0]]
    newer = _baskets(BUYERS // 2, seed=4)
    cancels = [lambda order_id=order_id: cancel_order(UnitOfWork(database, builders.TESTER),
                                                      order_id=order_id)
               for order_id in to_cancel]

    with lock_trouble(database) as trouble:
        outcomes = run_together([*cancels, *[_placing(database, b) for b in newer]])

    assert trouble == []
    cancelled, placing = outcomes[:len(cancels)], outcomes[len(cancels):]
    assert [c["status"] for c in cancelled if isinstance(c, dict)] == ["cancelled"] * len(cancels)
    placed, _ = _sort(placing)
    accepted = [b for b in newer if b.external_id in {p.order["external_id"] for p in placed}]
    assert _reserved_by_sku(database) == _demand(accepted)


def test_backorders_filled_by_two_relays_while_buyers_trim_the_same_orders_never_deadlock(
        database: Database) -> None:
    builders.location(database, "east")
    for sku in SKUS[:2]:
        builders.product(database, sku)
    builders.channel(database, "web", ["east"], shortage_policy="backorder")
    waiting = [place_order(builders.uow(database), builders.order_input(
        "web", f"W-{n}", {"AXE": 3, "BOW": 3}, email=f"buyer{n}@example.com")).order
        for n in range(BUYERS - 8)]
    builders.stock(database, "AXE", "east", 200)
    builders.stock(database, "BOW", "east", 200)
    trims = [lambda order=order: cancel_order(
        UnitOfWork(database, builders.TESTER), order_id=order["id"],
        lines=[LineCancellation(order["lines"][0]["id"], 2)]) for order in waiting]
    # One message per transaction, as each of several workers would take them.
    relays = [Relay(database, batch_size=1).drain for _ in range(2)]

    with lock_trouble(database) as trouble:
        outcomes = run_together([*relays, *trims])
    Relay(database).drain()

    assert trouble == []
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    with database.reading() as connection:
        assert outbox.pending_count(connection) == 0
    assert _reserved_by_sku(database) == {"AXE": len(waiting), "BOW": 3 * len(waiting)}
    with database.reading() as connection:
        statuses = {o["status"] for o in list_orders(connection, limit=100)[0]}
    assert statuses == {"confirmed"}
