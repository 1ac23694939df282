"""The audit log over HTTP: every change says who made it, what it was, when, and the entity
before and after; the log filters by entity and pages with a cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.accounts.service import create_api_key
from ordermill.db.engine import Database
from tests import builders
from tests.e2e.test_bad_input import assert_problem


@pytest.fixture
def manager(database: Database, app_client: TestClient) -> dict[str, Any]:
    """The client acts with Dana's manager key; returns the actor the log should name."""
    issued = create_api_key(builders.uow(database), name="Dana (ops)", role="manager")
    app_client.headers["Authorization"] = f"Bearer {issued.key}"
    return {"kind": "api_key", "id": issued.id, "name": "Dana (ops)"}


def _log(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit-log", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _shop(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", default_price=1500)
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 10)


def test_creating_and_changing_a_product_is_audited_with_before_and_after(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    started = datetime.now(UTC)
    _ok(app_client.post("/api/v1/products", json={"sku": "CUP", "name": "Cup",
                                                  "default_price": 900}))
    _ok(app_client.patch("/api/v1/products/CUP", json={"name": "Tea cup"}))
    updated, created = _log(app_client, entity_type="product", entity_id="CUP")
    assert (created["action"], created["actor"], created["entity"]) == (
        "product.created", manager, {"type": "product", "id": "CUP"})
    assert created["before"] is None
    assert (created["after"]["name"], created["after"]["default_price"]) == ("Cup", 900)
    assert (updated["action"], updated["actor"]) == ("product.updated", manager)
    assert (updated["before"]["name"], updated["after"]["name"]) == ("Cup", "Tea cup")
    occurred = datetime.fromisoformat(updated["occurred_at"])
    assert updated["occurred_at"].endswith("Z")
    assert started - timedelta(seconds=1) <= occurred <= datetime.now(UTC)


def test_creating_and_changing_a_location_is_audited_with_before_and_after(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    _ok(app_client.post("/api/v1/locations", json={
        "code": "north", "name": "North", "priority": 5,
        "address": {"line1": "1 Pole Rd", "city": "Nome", "country": "US"}}))
    _ok(app_client.patch("/api/v1/locations/north", json={"priority": 9}))
    updated, created = _log(app_client, entity_type="location", entity_id="north")
    assert [created["action"], updated["action"]] == ["location.created", "location.updated"]
    assert {created["actor"]["id"], updated["actor"]["id"]} == {manager["id"]}
    assert (created["before"], created["after"]["priority"]) == (None, 5)
    assert (updated["before"]["priority"], updated["after"]["priority"]) == (5, 9)


def test_creating_and_changing_a_channel_is_audited_with_before_and_after(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    builders.location(database, "east")
    builders.location(database, "west")
    _ok(app_client.post("/api/v1/channels", json={"code": "shop", "name": "Shop",
                                                  "kind": "shopify", "locations": ["east"]}))
    _ok(app_client.patch("/api/v1/channels/shop", json={"locations": ["east", "west"]}))
    updated, created = _log(app_client, entity_type="channel", entity_id="shop")
    assert [created["action"], updated["action"]] == ["channel.created", "channel.updated"]
    assert created["actor"] == updated["actor"] == manager
    assert (created["before"], created["after"]["locations"]) == (None, ["east"])
    assert updated["before"]["locations"] == ["east"]
    assert updated["after"]["locations"] == ["east", "west"]


def test_every_stock_move_is_audited_at_the_stock_place_it_changed(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    _shop(database)
    moves = [("receipts", {"sku": "MUG", "location": "east", "quantity": 5}),
             ("adjustments", {"sku": "MUG", "location": "east", "quantity": -2,
                              "reason": "damaged"}),
             ("counts", {"sku": "MUG", "location": "east", "quantity": 12}),
             ("transfers", {"sku": "MUG", "from_location": "east", "to_location": "west",
                            "quantity": 4})]
    for kind, body in moves:
        _ok(app_client.post(f"/api/v1/inventory/{kind}", json=body))
    _ok(app_client.patch("/api/v1/inventory/MUG/east", json={"safety_stock": 3}))
    east = [e for e in reversed(_log(app_client, entity_type="stock", entity_id="MUG@east"))
            if e["actor"] == manager]
    assert [(e["action"], e["before"]) for e in east] == [
        ("inventory.received", {"on_hand": 10}),
        ("inventory.adjusted", {"on_hand": 15}),
        ("inventory.counted", {"on_hand": 13}),
        ("inventory.transferred", {"on_hand": 12}),
        ("inventory.policy_changed", {"safety_stock": 0, "reorder_point": 0}),
    ]
    assert [e["after"].get("on_hand") for e in east[:4]] == [15, 13, 12, 8]
    assert east[4]["after"] == {"safety_stock": 3}
    [west] = _log(app_client, entity_type="stock", entity_id="MUG@west")
    assert (west["action"], west["before"], west["after"]) == (
        "inventory.transferred", {"on_hand": 0},
        {"from": "east", "to": "west", "quantity": 4, "on_hand": 4})


def test_holds_and_cancellations_are_audited_with_the_status_before_and_after(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    _shop(database)
    order = _ok(app_client.post("/api/v1/orders",
                                json=builders.order_body("web", "A-1", {"MUG": 2})))
    url = f"/api/v1/orders/{order['id']}"
    hold = _ok(app_client.post(f"{url}/holds", json={"reason": "fraud_review"}))["holds"][0]
    _ok(app_client.post(f"{url}/holds/{hold['id']}/release"))
    _ok(app_client.post(f"{url}/holds", json={"reason": "address"}))
    _ok(app_client.post(f"{url}/cancel", json={"reason": "customer asked"}))
    created, *changes = reversed(_log(app_client, entity_type="order",
                                      entity_id=str(order["id"])))
    assert (created["action"], created["before"]) == ("order.created", None)
    assert [(e["action"], e["before"], e["after"]["status"]) for e in changes] == [
        ("order.held", {"status": "confirmed"}, "on_hold"),
        ("order.hold_released", {"status": "on_hold"}, "confirmed"),
        ("order.held", {"status": "confirmed"}, "on_hold"),
        ("order.cancelled", {"status": "on_hold"}, "cancelled"),
    ]
    assert {e["actor"]["id"] for e in [created, *changes]} == {manager["id"]}
    assert changes[0]["after"]["reason"] == "fraud_review"
    assert changes[3]["after"]["reason"] == "customer asked"


def test_an_order_taken_from_a_channel_is_audited_under_that_channels_key(
        database: Database, admin: TestClient) -> None:
    _shop(database)
    issued = create_api_key(builders.uow(database), name="web store", role="integration",
                            channel="web")
    order = _ok(admin.post("/api/v1/orders", headers={"Authorization": f"Bearer {issued.key}"},
                           json=builders.order_body("web", "A-7", {"MUG": 1})))
    [entry] = _log(admin, entity_type="order", entity_id=str(order["id"]))
    assert entry["action"] == "order.created"
    assert entry["actor"] == {"kind": "api_key", "id": issued.id, "name": "web store"}
    assert entry["after"] == {"number": order["number"], "channel": "web", "external_id": "A-7",
                              "total": 1000}


def test_the_audit_log_pages_newest_first_with_next_cursor(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    for number in range(5):
        _ok(app_client.post("/api/v1/products", json={"sku": f"P-{number}", "name": "P"}))
    seen, cursor, pages = [], None, 0
    while True:
        params = {"entity_type": "product", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = app_client.get("/api/v1/audit-log", params=params).json()
        seen += page["items"]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert [e["entity"]["id"] for e in seen] == ["P-4", "P-3", "P-2", "P-1", "P-0"]
    assert [e["id"] for e in seen] == sorted((e["id"] for e in seen), reverse=True)


def test_the_audit_log_filters_by_entity_and_action(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    _shop(database)
    _ok(app_client.patch("/api/v1/products/MUG", json={"default_price": 1600}))
    _ok(app_client.post("/api/v1/inventory/receipts",
                        json={"sku": "MUG", "location": "west", "quantity": 1}))
    assert {e["entity"]["type"] for e in _log(app_client, entity_type="stock")} == {"stock"}
    assert [e["action"] for e in _log(app_client, entity_type="product", entity_id="MUG")] == [
        "product.updated", "product.created"]
    assert [e["entity"]["id"] for e in _log(app_client, action="inventory.received")] == [
        "MUG@west", "MUG@east"]
    assert _log(app_client, entity_type="product", entity_id="NO-SUCH-SKU") == []


def test_a_refused_change_leaves_no_trace_in_the_audit_log(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    _shop(database)
    before = _log(app_client, limit=500)
    assert_problem(app_client.patch("/api/v1/products/MUG", json={"currency": "XXX"}), 422,
                   "currency")
    assert_problem(app_client.post("/api/v1/inventory/adjustments", json={
        "sku": "MUG", "location": "east", "quantity": -99, "reason": "lost"}), 409, "quantity")
    assert _log(app_client, limit=500) == before


def test_a_stock_place_with_the_longest_sku_and_location_code_is_audited(
        database: Database, app_client: TestClient, manager: dict[str, Any]) -> None:
    sku, code = "S" * 64, "l" * 32
    builders.product(database, sku)
    builders.location(database, code)
    _ok(app_client.post("/api/v1/inventory/receipts",
                        json={"sku": sku, "location": code, "quantity": 1}))
    [entry] = _log(app_client, entity_type="stock", entity_id=f"{sku}@{code}")
    assert (entry["action"], entry["after"]) == ("inventory.received",
                                                 {"quantity": 1, "on_hand": 1})
