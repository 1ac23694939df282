"""No oversell: 32 buyers at once for a sku with 10 units, over real HTTP and at the service.

Every buyer has its own thread and its own connection, and all start at one barrier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ordermill.accounts.service import create_api_key
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.inventory.domain import Level
from ordermill.inventory.queries import ledger_mismatches
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.queries import get_order, list_orders
from ordermill.shared.errors import InsufficientStock
from tests import builders, stock_truth
from tests.concurrency import lock_trouble, run_together
from tests.live_server import serving

BUYERS = 32
UNITS = 10


@pytest.fixture
def server(database: Database) -> Iterator[str]:
    with serving(database) as url:
        yield url


def _shop(database: Database, shortage_policy: str) -> str:
    """One location with the last 10 units of a sku; returns the channel's API key."""
    builders.location(database, "east")
    builders.product(database, "LAST", default_price=2500)
    builders.channel(database, "web", ["east"], shortage_policy=shortage_policy)
    builders.stock(database, "LAST", "east", UNITS)
    return create_api_key(builders.uow(database), name="web shop", role="integration",
                          channel="web").key


def _buy_over_http(url: str, key: str) -> list[httpx.Response | Exception]:
    # Clients are built before the barrier so that the requests, not the set-up, race.
    clients = [httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"},
                            timeout=120) for _ in range(BUYERS)]

    def buyer(number: int) -> Callable[[], httpx.Response]:
        body = builders.order_body("web", f"WEB-{number}", {"LAST": 1},
                                   email=f"buyer{number}@example.com")
        return lambda: clients[number].post("/api/v1/orders", json=body)

    try:
        return run_together([buyer(number) for number in range(BUYERS)])
    finally:
        for client in clients:
            client.close()


def _buy_at_service(database: Database) -> list[PlacedOrder | Exception]:
    def buyer(number: int) -> Callable[[], PlacedOrder]:
        order = builders.order_input("web", f"SVC-{number}", {"LAST": 1},
                                     email=f"buyer{number}@example.com")
        return lambda: place_order(UnitOfWork(database, builders.TESTER), order)

    return run_together([buyer(number) for number in range(BUYERS)])


def _every_order_after_ten_units_were_promised(database: Database) -> list[dict[str, Any]]:
    """Checks that stock, allocations and ledger agree the 10 units went to buyers, no more,
    and returns every order, oldest first."""
    with database.reading() as connection:
        level = stock_truth.levels(connection)[("LAST", "east")]
        held = stock_truth.allocated_units(connection)
        half_reserved = stock_truth.half_reserved_orders(connection)
        mismatches = ledger_mismatches(connection)
        summaries, _ = list_orders(connection, limit=100)
        orders = [get_order(connection, summary["id"]) for summary in reversed(summaries)]
    assert level == Level(on_hand=UNITS, reserved=UNITS, safety_stock=0, reorder_point=0)
    assert level.available == 0
    assert held == {("LAST", "east"): UNITS}
    assert mismatches == []
    assert half_reserved == []
    return [order for order in orders if order is not None]


def _statuses(responses: list[httpx.Response | Exception]) -> Counter[int]:
    failures = [r for r in responses if isinstance(r, Exception)]
    assert failures == []
    return Counter(r.status_code for r in responses if isinstance(r, httpx.Response))


def test_thirty_two_buyers_over_http_get_ten_units_and_the_rest_hear_out_of_stock(
        database: Database, server: str) -> None:
    key = _shop(database, "reject")

    with lock_trouble(database) as trouble:
        responses = _buy_over_http(server, key)

    assert _statuses(responses) == {201: UNITS, 409: BUYERS - UNITS}
    assert trouble == []
    refusals = [r for r in responses if isinstance(r, httpx.Response) and r.status_code == 409]
    for refusal in refusals:
        assert refusal.headers["content-type"] == "application/problem+json"
        assert refusal.json()["type"] == "/problems/insufficient-stock"
        assert refusal.json()["shortages"] == [{"sku": "LAST", "requested": 1, "available": 0}]
    orders = _every_order_after_ten_units_were_promised(database)
    created = sorted(r.json()["id"] for r in responses
                     if isinstance(r, httpx.Response) and r.status_code == 201)
    assert sorted(order["id"] for order in orders) == created
    assert {order["status"] for order in orders} == {"confirmed"}


def test_thirty_two_buyers_over_http_on_a_backordering_channel_get_ten_units_reserved(
        database: Database, server: str) -> None:
    key = _shop(database, "backorder")

    with lock_trouble(database) as trouble:
        responses = _buy_over_http(server, key)

    assert _statuses(responses) == {201: BUYERS}
    assert trouble == []
    orders = _every_order_after_ten_units_were_promised(database)
    assert len(orders) == BUYERS
    confirmed = [o for o in orders if o["status"] == "confirmed"]
    pending = [o for o in orders if o["status"] == "pending"]
    assert len(confirmed) == UNITS
    assert len(pending) == BUYERS - UNITS
    assert all(o["lines"][0]["allocated_quantity"] == 1 for o in confirmed)
    assert all(o["lines"][0]["backordered_quantity"] == 1 for o in pending)
    assert all(o["lines"][0]["reservations"] == [] for o in pending)


def test_thirty_two_buyers_at_the_service_get_ten_units_and_the_rest_are_refused(
        database: Database) -> None:
    _shop(database, "reject")

    with lock_trouble(database) as trouble:
        outcomes = _buy_at_service(database)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert (len(placed), len(refused)) == (UNITS, BUYERS - UNITS)
    assert trouble == []
    assert all(o.created and o.order["status"] == "confirmed" for o in placed)
    assert all(o.shortages[0].available == 0 for o in refused)
    orders = _every_order_after_ten_units_were_promised(database)
    assert sorted(o["id"] for o in orders) == sorted(p.order["id"] for p in placed)


def test_thirty_two_buyers_at_the_service_on_a_backordering_channel_all_get_an_order(
        database: Database) -> None:
    _shop(database, "backorder")

    with lock_trouble(database) as trouble:
        outcomes = _buy_at_service(database)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    assert len(placed) == BUYERS
    assert trouble == []
    statuses = Counter(p.order["status"] for p in placed)
    assert statuses == {"confirmed": UNITS, "pending": BUYERS - UNITS}
    orders = _every_order_after_ten_units_were_promised(database)
    backordered = sum(o["lines"][0]["backordered_quantity"] for o in orders)
    assert backordered == BUYERS - UNITS
