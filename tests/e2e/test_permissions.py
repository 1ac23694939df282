"""Least privilege over HTTP: every route checks a permission, each role gets exactly what it
needs, channel keys see only their channel and warehouse staff only their locations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ordermill.accounts.domain import PERMISSIONS, Role
from ordermill.accounts.key_memory import KEY_MEMORY_SECONDS, recent_keys
from ordermill.accounts.repository import revoke_key
from ordermill.accounts.service import create_api_key, revoke_api_key
from ordermill.db.engine import Database
from ordermill.orders.intake import place_order
from ordermill.shared.clock import utcnow
from tests import builders
from tests.e2e.conftest import key_for
from tests.e2e.test_bad_input import assert_problem, footprint

ROLES = ("admin", "manager", "warehouse", "support", "finance", "analyst", "integration")
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"integration"}


def _world(database: Database) -> dict[str, int]:
    """Mugs stocked at east, jugs at west; channel web sells from both, market from east.
    Returns the ids of three orders: web's mugs (east), web's jug (west), market's mug."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", default_price=1500)
    builders.product(database, "JUG", default_price=2500)
    builders.channel(database, "web", ["east", "west"])
    builders.channel(database, "market", ["east"])
    builders.stock(database, "MUG", "east", 50)
    builders.stock(database, "JUG", "west", 5)
    placed = {name: place_order(builders.uow(database), builders.order_input(channel, name, lines))
              for name, channel, lines in (("web-mugs", "web", {"MUG": 2}),
                                           ("web-jug", "web", {"JUG": 1}),
                                           ("market-mug", "market", {"MUG": 1}))}
    return {name: p.order["id"] for name, p in placed.items()}


SCOPES: dict[str, dict[str, Any]] = {"integration": {"channel": "web"},
                                     "warehouse": {"locations": ["east"]}}


def _key(database: Database, role: str) -> str:
    return key_for(database, role, **SCOPES.get(role, {}))


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# Every API operation and the one permission it needs. An endpoint added to the API without
# being added here fails test_every_api_operation_is_listed_with_its_permission.
NEEDS = {
    "GET /products": "products:read",
    "POST /products": "products:write",
    "GET /products/{sku}": "products:read",
    "PATCH /products/{sku}": "products:write",
    "GET /locations": "locations:read",
    "POST /locations": "locations:write",
    "GET /locations/{code}": "locations:read",
    "PATCH /locations/{code}": "locations:write",
    "GET /locations/{code}/layout": "locations:read",
    "PUT /locations/{code}/layout": "locations:write",
    "GET /inventory": "inventory:read",
    "POST /inventory/receipts": "inventory:write",
    "POST /inventory/adjustments": "inventory:write",
    "POST /inventory/counts": "inventory:write",
    "POST /inventory/transfers": "inventory:write",
    "PATCH /inventory/{sku}/{location}": "inventory:write",
    "GET /inventory/ledger": "inventory:read",
    "GET /channels": "channels:read",
    "POST /channels": "channels:write",
    "GET /channels/{code}": "channels:read",
    "PATCH /channels/{code}": "channels:write",
    "GET /channels/{code}/availability": "channels:read",
    "GET /customers": "customers:read",
    "GET /customers/{customer_id}": "customers:read",
    "GET /orders": "orders:read",
    "POST /orders": "orders:create",
    "GET /orders/{order_id}": "orders:read",
    "GET /orders/{order_id}/events": "orders:read",
    "POST /orders/{order_id}/cancel": "orders:write",
    "POST /orders/{order_id}/holds": "orders:write",
    "POST /orders/{order_id}/holds/{hold_id}/release": "orders:write",
    "GET /orders/{order_id}/routing": "orders:read",
    "GET /channels/{code}/routing-rules": "routing:read",
    "PUT /channels/{code}/routing-rules": "routing:write",
    "GET /fulfillment-orders": "fulfillment:read",
    "GET /fulfillment-orders/{fulfillment_order_id}": "fulfillment:read",
    "POST /fulfillment-orders/{fulfillment_order_id}/reject": "fulfillment:write",
    "GET /locations/{code}/boxes": "locations:read",
    "PUT /locations/{code}/boxes": "locations:write",
    "POST /fulfillment-orders/{fulfillment_order_id}/pack": "fulfillment:write",
    "GET /fulfillment-orders/{fulfillment_order_id}/packages": "fulfillment:read",
    "GET /fulfillment-orders/{fulfillment_order_id}/packing-slip.pdf": "fulfillment:read",
    "POST /pick-lists": "fulfillment:write",
    "GET /pick-lists/{pick_list_id}": "fulfillment:read",
    "GET /pick-lists/{pick_list_id}.pdf": "fulfillment:read",
    "POST /pick-lists/{pick_list_id}/confirm": "fulfillment:write",
    "POST /routing/simulations": "routing:read",
    "POST /routing/optimizations": "routing:write",
    "GET /routing/optimizations/{optimization_id}": "routing:read",
    "POST /routing/optimizations/{optimization_id}/apply": "routing:write",
    "GET /audit-log": "audit:read",
}


def _operations(client: TestClient) -> list[str]:
    """Every operation the published OpenAPI document lists, as "METHOD /path"."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return sorted(f"{method.upper()} {path.removeprefix('/api/v1')}"
                  for path, operations in paths.items() for method in operations)


def _call(client: TestClient, operation: str, key: str | None = None) -> Response:
    """The operation with every path parameter set to 1 and, for writes, an empty body."""
    method, path = operation.split(" ")
    url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
    body: dict[str, Any] | None = {} if method in ("POST", "PATCH", "PUT") else None
    response: Response = client.request(method, url, json=body,
                                        headers=_as(key) if key else None)
    return response


def test_every_api_operation_is_listed_with_its_permission(app_client: TestClient) -> None:
    known = frozenset().union(*PERMISSIONS.values())
    assert _operations(app_client) == sorted(NEEDS)
    assert {permission for permission in NEEDS.values() if permission not in known} == set()


def test_every_api_operation_refuses_a_caller_without_a_key(database: Database,
                                                            app_client: TestClient) -> None:
    before = footprint(database)
    for operation in _operations(app_client):
        problem = assert_problem(_call(app_client, operation), 401)
        assert problem["type"] == "/problems/unauthenticated", operation
    assert footprint(database) == before


@pytest.mark.parametrize("role", ROLES)
def test_a_role_is_refused_exactly_the_operations_its_permissions_leave_out(
        database: Database, app_client: TestClient, role: str) -> None:
    _world(database)
    key = _key(database, role)
    refused = set()
    for operation in _operations(app_client):
        response = _call(app_client, operation, key)
        if response.status_code == 403:
            assert_problem(response, 403)
            refused.add(operation)
    granted = PERMISSIONS[Role(role)]
    assert refused == {op for op, permission in NEEDS.items() if permission not in granted}


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=",
                                    "Bearer om_admin_not-a-key-we-issued", "om_admin_abc"])
def test_a_missing_or_unknown_key_is_unauthenticated(app_client: TestClient,
                                                     header: str) -> None:
    response = app_client.get("/api/v1/orders", headers={"Authorization": header})
    assert_problem(response, 401)


def test_a_revoked_key_is_refused_from_the_very_next_request(database: Database,
                                                             app_client: TestClient) -> None:
    issued = create_api_key(builders.uow(database), name="till", role="manager")
    assert app_client.get("/api/v1/orders", headers=_as(issued.key)).status_code == 200
    revoke_api_key(builders.uow(database), key_id=issued.id)
    problem = assert_problem(app_client.get("/api/v1/orders", headers=_as(issued.key)), 401)
    assert problem["type"] == "/problems/unauthenticated"


def test_a_key_revoked_by_another_process_is_refused_within_the_memory_of_keys(
        database: Database, app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(recent_keys, "clock", lambda: clock[0])
    issued = create_api_key(builders.uow(database), name="till", role="manager")
    assert app_client.get("/api/v1/orders", headers=_as(issued.key)).status_code == 200
    with database.write_connection() as connection, connection.begin():
        # As `ordermill keys revoke` in another process does: this one is not told.
        assert revoke_key(connection, issued.id, utcnow())
    clock[0] += KEY_MEMORY_SECONDS - 0.5
    assert app_client.get("/api/v1/orders", headers=_as(issued.key)).status_code == 200
    clock[0] += 0.5
    assert_problem(app_client.get("/api/v1/orders", headers=_as(issued.key)), 401)


# Representative endpoints of every feature, and exactly who may use them.
ALLOWED = {
    "GET /products": EVERYONE,
    "POST /products": {"admin", "manager"},
    "PATCH /products/MUG": {"admin", "manager"},
    "GET /locations": STAFF,
    "POST /locations": {"admin", "manager"},
    "GET /inventory": STAFF,
    "POST /inventory/receipts": {"admin", "manager", "warehouse"},
    "GET /inventory/ledger": STAFF,
    "GET /channels": EVERYONE - {"warehouse"},
    "PATCH /channels/web": {"admin", "manager"},
    "GET /customers": {"admin", "manager", "support", "finance", "analyst"},
    "GET /orders": EVERYONE,
    "GET /orders/{order}": EVERYONE,
    "POST /orders": {"admin", "manager", "integration"},
    "POST /orders/{order}/holds": {"admin", "manager", "support"},
    "POST /orders/{order}/cancel": {"admin", "manager", "support"},
    "GET /audit-log": {"admin", "manager", "finance", "analyst"},
}


def _body(endpoint: str, role: str) -> dict[str, Any] | None:
    bodies: dict[str, dict[str, Any]] = {
        "POST /products": {"sku": f"NEW-{role}", "name": "New"},
        "PATCH /products/MUG": {"name": f"Mug, renamed by {role}"},
        "POST /locations": {"code": f"new-{role}", "name": "New", "address": {
            "line1": "2 Side St", "city": "Springfield", "country": "US"}},
        "POST /inventory/receipts": {"sku": "MUG", "location": "east", "quantity": 1},
        "PATCH /channels/web": {"name": f"Web, renamed by {role}"},
        "POST /orders": builders.order_body("web", f"by-{role}", {"MUG": 1}),
        "POST /orders/{order}/holds": {"reason": "manual"},
        "POST /orders/{order}/cancel": {},
    }
    return bodies.get(endpoint)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_it_needs(database: Database, app_client: TestClient,
                                                role: str) -> None:
    orders = _world(database)
    headers = _as(_key(database, role))
    seen = {}
    for endpoint in ALLOWED:
        method, path = endpoint.split(" ")
        url = "/api/v1" + path.format(order=orders["web-mugs"])
        response = app_client.request(method, url, json=_body(endpoint, role), headers=headers)
        if response.status_code == 403:
            assert_problem(response, 403)
        seen[endpoint] = ("allowed" if response.status_code in (200, 201)
                          else "denied" if response.status_code == 403
                          else f"HTTP {response.status_code}")
    assert seen == {endpoint: "allowed" if role in roles else "denied"
                    for endpoint, roles in ALLOWED.items()}


def test_a_channel_key_takes_orders_for_its_own_channel_only(database: Database,
                                                             app_client: TestClient) -> None:
    _world(database)
    web = _as(_key(database, "integration"))
    taken = app_client.post("/api/v1/orders", headers=web,
                            json=builders.order_body("web", "W-9", {"MUG": 1}))
    assert taken.status_code == 201, taken.text
    before = footprint(database)
    refused = app_client.post("/api/v1/orders", headers=web,
                              json=builders.order_body("market", "M-9", {"MUG": 1}))
    assert_problem(refused, 404)
    assert footprint(database) == before


def test_to_a_channel_key_another_channels_order_does_not_exist(database: Database,
                                                                app_client: TestClient) -> None:
    orders = _world(database)
    web = _as(_key(database, "integration"))
    for suffix in ("", "/events"):
        own = app_client.get(f"/api/v1/orders/{orders['web-mugs']}{suffix}", headers=web)
        other = app_client.get(f"/api/v1/orders/{orders['market-mug']}{suffix}", headers=web)
        missing = app_client.get(f"/api/v1/orders/999999{suffix}", headers=web)
        assert own.status_code == 200
        assert assert_problem(other, 404)["type"] == assert_problem(missing, 404)["type"]


def test_a_channel_key_may_not_hold_or_cancel_orders_its_own_or_others(
        database: Database, app_client: TestClient) -> None:
    """Channel keys create and read; holding and cancelling is staff work. The refusal is
    the same for any order, so it tells nothing about other channels' orders."""
    orders = _world(database)
    web = _as(_key(database, "integration"))
    before = footprint(database)
    for action, body in (("holds", {"reason": "manual"}), ("cancel", {}),
                         ("holds/1/release", None)):
        answers = [app_client.post(f"/api/v1/orders/{orders[name]}/{action}", json=body,
                                   headers=web) for name in ("web-mugs", "market-mug")]
        own, other = (assert_problem(answer, 403) for answer in answers)
        assert own == other
    assert footprint(database) == before


def test_a_channel_key_lists_only_its_channels_orders(database: Database,
                                                      app_client: TestClient) -> None:
    orders = _world(database)
    web = _as(_key(database, "integration"))
    listed = app_client.get("/api/v1/orders", headers=web).json()["items"]
    assert sorted(o["id"] for o in listed) == sorted([orders["web-mugs"], orders["web-jug"]])
    assert {o["channel"] for o in listed} == {"web"}
    for params in ({"channel": "market"}, {"number": f"OM-{orders['market-mug']:06d}"},
                   {"sku": "MUG", "channel": "market"}):
        assert app_client.get("/api/v1/orders", params=params, headers=web).json() == {
            "items": [], "next_cursor": None}


def test_a_channel_key_sees_no_other_channel(database: Database,
                                             app_client: TestClient) -> None:
    _world(database)
    web = _as(_key(database, "integration"))
    listed = app_client.get("/api/v1/channels", headers=web).json()["items"]
    assert [c["code"] for c in listed] == ["web"]
    assert app_client.get("/api/v1/channels/web", headers=web).status_code == 200
    assert app_client.get("/api/v1/channels/web/availability", headers=web).status_code == 200
    assert_problem(app_client.get("/api/v1/channels/market", headers=web), 404)
    assert_problem(app_client.get("/api/v1/channels/market/availability", headers=web), 404)


STOCK_AT_WEST = [
    ("POST", "/inventory/receipts", {"sku": "JUG", "location": "west", "quantity": 1}),
    ("POST", "/inventory/adjustments", {"sku": "JUG", "location": "west", "quantity": -1,
                                       "reason": "damaged"}),
    ("POST", "/inventory/counts", {"sku": "JUG", "location": "west", "quantity": 0}),
    ("POST", "/inventory/transfers", {"sku": "MUG", "from_location": "east",
                                      "to_location": "west", "quantity": 1}),
    ("POST", "/inventory/transfers", {"sku": "JUG", "from_location": "west",
                                      "to_location": "east", "quantity": 1}),
    ("PATCH", "/inventory/JUG/west", {"safety_stock": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), STOCK_AT_WEST,
                         ids=[f"{m} {p}" for m, p, _ in STOCK_AT_WEST])
def test_warehouse_staff_cannot_move_stock_at_a_location_they_do_not_work_at(
        database: Database, app_client: TestClient, method: str, path: str,
        body: dict[str, Any]) -> None:
    _world(database)
    east = _as(_key(database, "warehouse"))
    before = footprint(database)
    problem = assert_problem(app_client.request(method, "/api/v1" + path, json=body,
                                                headers=east), 403)
    assert "west" in problem["detail"]
    assert footprint(database) == before


def test_warehouse_staff_receive_stock_at_their_own_location(database: Database,
                                                             app_client: TestClient) -> None:
    _world(database)
    east = _as(_key(database, "warehouse"))
    response = app_client.post("/api/v1/inventory/receipts", headers=east,
                               json={"sku": "MUG", "location": "east", "quantity": 5})
    assert response.status_code == 201, response.text
    assert response.json()["on_hand"] == 55


def test_warehouse_staff_see_only_their_locations_stock_and_ledger(
        database: Database, app_client: TestClient) -> None:
    _world(database)
    east = _as(_key(database, "warehouse"))
    levels = app_client.get("/api/v1/inventory", headers=east).json()["items"]
    assert [(level["sku"], level["location"]) for level in levels] == [("MUG", "east")]
    assert app_client.get("/api/v1/inventory", params={"location": "west"},
                          headers=east).json()["items"] == []
    ledger = app_client.get("/api/v1/inventory/ledger", headers=east).json()["items"]
    assert [(entry["sku"], entry["location"]) for entry in ledger] == [("MUG", "east")]
    assert app_client.get("/api/v1/inventory/ledger", params={"sku": "JUG"},
                          headers=east).json()["items"] == []


def test_warehouse_staff_see_only_their_locations_and_the_orders_they_ship(
        database: Database, app_client: TestClient) -> None:
    orders = _world(database)
    east = _as(_key(database, "warehouse"))
    listed = app_client.get("/api/v1/locations", headers=east).json()["items"]
    assert [location["code"] for location in listed] == ["east"]
    assert_problem(app_client.get("/api/v1/locations/west", headers=east), 404)
    shipped_from_east = sorted([orders["web-mugs"], orders["market-mug"]])
    listed_orders = app_client.get("/api/v1/orders", headers=east).json()["items"]
    assert sorted(order["id"] for order in listed_orders) == shipped_from_east
    assert_problem(app_client.get(f"/api/v1/orders/{orders['web-jug']}", headers=east), 404)
