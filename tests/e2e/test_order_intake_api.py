"""Taking orders over HTTP: creation, exactly-once intake and idempotency keys."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders


def _shop(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", default_price=1500)
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)


def test_an_order_is_created_with_its_reservation_and_totals(database: Database,
                                                            admin: TestClient) -> None:
    _shop(database)
    response = admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 2}))
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["number"] == f"OM-{order['id']:06d}"
    assert order["status"] == "confirmed"
    assert order["fulfillment_status"] == "allocated"
    assert order["totals"] == {"subtotal": 2000, "discount": 0, "tax": 0, "shipping": 0,
                               "total": 2000}
    [queued] = admin.get("/api/v1/fulfillment-orders", params={"location": "east"}).json()[
        "items"]
    assert order["lines"][0]["reservations"] == [
        {"location": "east", "quantity": 2, "fulfillment_order_id": queued["id"]}]
    assert (queued["order_id"], queued["status"], queued["units"]) == (order["id"], "open", 2)
    level = admin.get("/api/v1/inventory", params={"sku": "MUG"}).json()["items"][0]
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 2, 3)


def test_the_same_channel_order_twice_returns_the_first(database: Database,
                                                        admin: TestClient) -> None:
    _shop(database)
    body = builders.order_body("web", "A-1", {"MUG": 1})
    first = admin.post("/api/v1/orders", json=body)
    again = admin.post("/api/v1/orders", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    level = admin.get("/api/v1/inventory", params={"sku": "MUG"}).json()["items"][0]
    assert level["reserved"] == 1


def test_an_idempotency_key_replays_and_refuses_another_body(database: Database,
                                                             admin: TestClient) -> None:
    _shop(database)
    headers = {"Idempotency-Key": "key-1"}
    body = builders.order_body("web", "A-1", {"MUG": 1})
    first = admin.post("/api/v1/orders", json=body, headers=headers)
    replay = admin.post("/api/v1/orders", json=body, headers=headers)
    other = admin.post("/api/v1/orders", json=builders.order_body("web", "A-2", {"MUG": 1}),
                       headers=headers)
    assert first.status_code == 201
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert admin.get("/api/v1/orders").json()["items"][0]["external_id"] == "A-1"
    assert len(admin.get("/api/v1/orders").json()["items"]) == 1
