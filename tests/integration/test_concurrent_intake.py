"""Exactly-once intake under concurrency: repeated channel deliveries and Idempotency-Keys.

Each delivery runs in its own thread with its own connection; all start at one barrier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from ordermill.accounts.service import create_api_key
from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.db.uow import UnitOfWork
from ordermill.inventory.queries import ledger_mismatches
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.queries import list_orders
from tests import builders, stock_truth
from tests.concurrency import lock_trouble, run_together
from tests.live_server import serving

DELIVERIES = 50
KEYED_REQUESTS = 20


@pytest.fixture
def server(database: Database) -> Iterator[str]:
    with serving(database) as url:
        yield url


def _shop(database: Database) -> str:
    builders.location(database, "east")
    builders.product(database, "MUG", default_price=1500)
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", 10)
    return create_api_key(builders.uow(database), name="web shop", role="integration",
                          channel="web").key


def _post_together(url: str, key: str, requests: list[tuple[dict[str, Any], dict[str, str]]]
                   ) -> list[httpx.Response]:
    """Each (body, headers) posted from its own client and connection, all at once."""
    clients = [httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"},
                            timeout=120) for _ in requests]

    def post(index: int) -> Callable[[], httpx.Response]:
        body, headers = requests[index]
        return lambda: clients[index].post("/api/v1/orders", json=body, headers=headers)

    try:
        outcomes = run_together([post(index) for index in range(len(requests))])
    finally:
        for client in clients:
            client.close()
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert failures == []
    return [o for o in outcomes if isinstance(o, httpx.Response)]


def _world(database: Database) -> tuple[list[dict[str, Any]], dict[tuple[str, str], int], int]:
    """Every order, the units allocations hold, and how many order.created events exist."""
    with database.reading() as connection:
        orders, _ = list_orders(connection, limit=100)
        held = stock_truth.allocated_units(connection)
        created_events = connection.execute(
            sa.select(sa.func.count()).select_from(outbox)
            .where(outbox.c.topic == "order.created")).scalar_one()
        assert ledger_mismatches(connection) == []
        reserved = stock_truth.levels(connection)[("MUG", "east")].reserved
    assert reserved == held.get(("MUG", "east"), 0)
    return orders, held, created_events


def test_fifty_simultaneous_deliveries_of_one_channel_order_create_it_once(
        database: Database) -> None:
    _shop(database)
    order = builders.order_input("web", "A-1", {"MUG": 2})

    with lock_trouble(database) as trouble:
        outcomes = run_together([lambda: place_order(UnitOfWork(database, builders.TESTER),
                                                     order)] * DELIVERIES)

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    assert len(placed) == DELIVERIES
    assert trouble == []
    assert Counter(p.created for p in placed) == {True: 1, False: DELIVERIES - 1}
    assert {p.order["id"] for p in placed} == {placed[0].order["id"]}
    orders, held, created_events = _world(database)
    assert [o["external_id"] for o in orders] == ["A-1"]
    assert held == {("MUG", "east"): 2}
    assert created_events == 1


def test_fifty_simultaneous_posts_of_one_channel_order_answer_201_once_and_200_after(
        database: Database, server: str) -> None:
    key = _shop(database)
    body = builders.order_body("web", "A-1", {"MUG": 2})

    with lock_trouble(database) as trouble:
        responses = _post_together(server, key, [(body, {})] * DELIVERIES)

    assert Counter(r.status_code for r in responses) == {201: 1, 200: DELIVERIES - 1}
    assert trouble == []
    assert len({r.json()["id"] for r in responses}) == 1
    orders, held, created_events = _world(database)
    assert len(orders) == 1
    assert held == {("MUG", "east"): 2}
    assert created_events == 1


def test_simultaneous_posts_with_one_idempotency_key_create_one_order_and_replay_it(
        database: Database, server: str) -> None:
    key = _shop(database)
    body = builders.order_body("web", "A-1", {"MUG": 2})
    headers = {"Idempotency-Key": "checkout-7"}

    with lock_trouble(database) as trouble:
        responses = _post_together(server, key, [(body, headers)] * KEYED_REQUESTS)

    assert trouble == []
    first = [r for r in responses
             if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    in_flight = [r for r in responses if r.status_code == 409]
    assert len(first) == 1
    assert len(first) + len(replays) + len(in_flight) == KEYED_REQUESTS
    assert all(r.status_code == 201 and r.json() == first[0].json() for r in replays)
    for refusal in in_flight:
        assert refusal.headers["content-type"] == "application/problem+json"
        assert refusal.json()["type"] == "/problems/idempotency-key-in-flight"
    later = httpx.post(f"{server}/api/v1/orders", json=body,
                       headers={**headers, "Authorization": f"Bearer {key}"})
    assert (later.status_code, later.headers["idempotent-replayed"]) == (201, "true")
    assert later.json() == first[0].json()
    orders, held, created_events = _world(database)
    assert len(orders) == 1
    assert held == {("MUG", "east"): 2}
    assert created_events == 1


def test_one_idempotency_key_sent_with_two_different_orders_at_once_creates_only_one(
        database: Database, server: str) -> None:
    key = _shop(database)
    headers = {"Idempotency-Key": "checkout-8"}
    bodies = [builders.order_body("web", f"B-{n % 2}", {"MUG": 1}) for n in range(KEYED_REQUESTS)]

    with lock_trouble(database) as trouble:
        responses = _post_together(server, key, [(body, headers) for body in bodies])

    assert trouble == []
    created = [r for r in responses
               if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    assert len(created) == 1
    winner = created[0].json()["external_id"]
    for response, body in zip(responses, bodies, strict=True):
        if response is created[0]:
            continue
        if body["external_id"] == winner:
            replayed = response.headers.get("idempotent-replayed") == "true"
            assert (response.status_code, replayed) in ((201, True), (409, False))
        else:
            assert response.status_code == 422
            assert response.json()["type"] == "/problems/idempotency-key-reused"
    orders, held, created_events = _world(database)
    assert [o["external_id"] for o in orders] == [winner]
    assert held == {("MUG", "east"): 1}
    assert created_events == 1


def test_a_repeat_sent_the_moment_the_answer_arrives_is_replayed_not_refused(
        database: Database, server: str) -> None:
    key = _shop(database)
    repeats = []

    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {key}"}) as client:
        for number in range(10):
            body = builders.order_body("web", f"A-{number}", {"MUG": 1})
            headers = {"Idempotency-Key": f"checkout-{number}"}
            first = client.post("/api/v1/orders", json=body, headers=headers)
            again = client.post("/api/v1/orders", json=body, headers=headers)
            repeats.append((first.status_code, again.status_code,
                            again.headers.get("idempotent-replayed"), again.json() == first.json()))

    assert repeats == [(201, 201, "true", True)] * 10
    orders, held, _ = _world(database)
    assert len(orders) == 10
    assert held == {("MUG", "east"): 10}


def test_a_refused_request_repeated_at_once_is_refused_again_not_broken(
        database: Database, server: str) -> None:
    key = _shop(database)
    answers = []

    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {key}"}) as client:
        for number in range(20):
            body = builders.order_body("web", f"A-{number}", {"MUG": 11})
            headers = {"Idempotency-Key": f"too-many-{number}"}
            first = client.post("/api/v1/orders", json=body, headers=headers)
            again = client.post("/api/v1/orders", json=body, headers=headers)
            answers.append((first.json()["type"], again.json()["type"]))

    assert answers == [("/problems/insufficient-stock",) * 2] * 20
    orders, _, created_events = _world(database)
    assert (orders, created_events) == ([], 0)
