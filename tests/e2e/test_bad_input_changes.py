"""Bad input to every other change: products, locations, channels, stock moves, holds and
cancellations. Each is refused with the field named, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders
from tests.e2e.test_bad_input import assert_problem, footprint, shop


@pytest.fixture
def order(database: Database, admin: TestClient) -> dict[str, Any]:
    """The shop, with builders.product's kit, and one confirmed order for two mugs."""
    shop(database)
    builders.product(database, "MUG-PAIR", components={"MUG": 2})
    response = admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 2}))
    assert response.status_code == 201, response.text
    placed: dict[str, Any] = response.json()
    return placed


PRODUCT = {"sku": "CUP", "name": "Cup"}
LOCATION = {"code": "north", "name": "North", "address": {"line1": "1 Pole Rd", "city": "Nome",
                                                         "country": "US"}}
CHANNEL = {"code": "shop", "name": "Shop", "kind": "shopify", "locations": ["east"]}
RECEIPT = {"sku": "MUG", "location": "east", "quantity": 1}
ADJUSTMENT = {"sku": "MUG", "location": "east", "quantity": -1, "reason": "damaged"}
COUNT = {"sku": "MUG", "location": "east", "quantity": 3}
TRANSFER = {"sku": "MUG", "from_location": "east", "to_location": "west", "quantity": 1}


def _and(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def _without(base: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in base.items() if k != name}


# Stand-ins for the order's first line id, known only once the order exists.
LINE = "<first line id>"
LINE_AS_TEXT = "<first line id, as text>"


BAD_CHANGES = [
    # method, path, body, field named in the problem
    ("POST", "/products", _and(PRODUCT, sku=""), "sku"),
    ("POST", "/products", _and(PRODUCT, sku="has space"), "sku"),
    ("POST", "/products", _and(PRODUCT, sku="S" * 65), "sku"),
    ("POST", "/products", _and(PRODUCT, name=""), "name"),
    ("POST", "/products", _and(PRODUCT, name="n" * 301), "name"),
    ("POST", "/products", _and(PRODUCT, name=None), "name"),
    ("POST", "/products", _and(PRODUCT, default_price=19.99), "default_price"),
    ("POST", "/products", _and(PRODUCT, default_price=1999.0), "default_price"),
    ("POST", "/products", _and(PRODUCT, default_price=-1), "default_price"),
    ("POST", "/products", _and(PRODUCT, currency="usd"), "currency"),
    ("POST", "/products", _and(PRODUCT, currency="EURO"), "currency"),
    ("POST", "/products", _and(PRODUCT, gtin="4006381333932"), "gtin"),
    ("POST", "/products", _and(PRODUCT, weight_grams=-1), "weight_grams"),
    ("POST", "/products", _and(PRODUCT, weight_grams="250"), "weight_grams"),
    ("POST", "/products", _and(PRODUCT, components=[{"sku": "NOPE", "quantity": 1}]),
     "components.0.sku"),
    ("POST", "/products", _and(PRODUCT, components=[{"sku": "MUG", "quantity": 0}]),
     "components.0.quantity"),
    ("POST", "/products", _and(PRODUCT, components=[{"sku": "MUG-PAIR", "quantity": 1}]),
     "components.0.sku"),
    ("POST", "/products", _and(PRODUCT, colour="red"), "colour"),
    ("PATCH", "/products/MUG", {"name": None}, "name"),
    ("PATCH", "/products/MUG", {"default_price": 12.5}, "default_price"),
    ("PATCH", "/products/MUG", {"currency": "XXX"}, "currency"),
    ("PATCH", "/products/MUG", {"sku": "MUG-2"}, "sku"),
    ("PATCH", "/products/MUG", {"components": [{"sku": "MUG-PAIR", "quantity": 1}]},
     "components"),
    ("PATCH", "/products/MUG-PAIR", {"components": []}, "components"),
    ("POST", "/locations", _and(LOCATION, code="no spaces"), "code"),
    ("POST", "/locations", _and(LOCATION, code="c" * 33), "code"),
    ("POST", "/locations", _and(LOCATION, kind="castle"), "kind"),
    ("POST", "/locations", _without(LOCATION, "address"), "address"),
    ("POST", "/locations", _and(LOCATION, address={"line1": "1 Pole Rd", "city": "Nome",
                                                   "country": "ZZ"}), "address.country"),
    ("POST", "/locations", _and(LOCATION, address={"city": "Nome", "country": "US"}),
     "address.line1"),
    ("POST", "/locations", _and(LOCATION, latitude=64.5), "latitude"),
    ("POST", "/locations", _and(LOCATION, latitude=91.0, longitude=0.0), "latitude"),
    ("POST", "/locations", _and(LOCATION, latitude="64.5", longitude="-165.4"), "latitude"),
    ("POST", "/locations", _and(LOCATION, priority=-1), "priority"),
    ("PATCH", "/locations/east", {"address": {"country": "ZZ"}}, "address.country"),
    ("PATCH", "/locations/east", {"address": None}, "address"),
    ("PATCH", "/locations/east", {"priority": "1"}, "priority"),
    ("PATCH", "/locations/east", {"code": "east-2"}, "code"),
    ("POST", "/channels", _and(CHANNEL, code="Shop"), "code"),
    ("POST", "/channels", _and(CHANNEL, kind="fax"), "kind"),
    ("POST", "/channels", _and(CHANNEL, locations=["nowhere"]), "locations"),
    ("POST", "/channels", _and(CHANNEL, locations=["east", "east"]), "locations"),
    ("POST", "/channels", _and(CHANNEL, shortage_policy="maybe"), "shortage_policy"),
    ("POST", "/channels", _and(CHANNEL, payment_terms="net_1000"), "payment_terms"),
    ("POST", "/channels", _and(CHANNEL, availability={"buffer": -1}), "availability.buffer"),
    ("POST", "/channels", _and(CHANNEL, availability={"cap_percent": 0}),
     "availability.cap_percent"),
    ("POST", "/channels", _and(CHANNEL, availability={"sku_buffers": {"NOPE": 1}}),
     "availability.sku_buffers.NOPE"),
    ("PATCH", "/channels/web", {"availability": None}, "availability"),
    ("PATCH", "/channels/web", {"active": "yes"}, "active"),
    ("PATCH", "/channels/web", {"locations": ["nowhere"]}, "locations"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity=0), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity=-1), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity=10**12), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity=2**70), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity="2"), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, quantity=1.0), "quantity"),
    ("POST", "/inventory/receipts", _and(RECEIPT, sku="NOPE"), "sku"),
    ("POST", "/inventory/receipts", _and(RECEIPT, sku="MUG-PAIR"), "sku"),
    ("POST", "/inventory/receipts", _and(RECEIPT, location="nowhere"), "location"),
    ("POST", "/inventory/receipts", _and(RECEIPT, reason="r" * 201), "reason"),
    ("POST", "/inventory/receipts", _and(RECEIPT, reference="r" * 81), "reference"),
    ("POST", "/inventory/receipts", _without(RECEIPT, "location"), "location"),
    ("POST", "/inventory/adjustments", _and(ADJUSTMENT, quantity=0), "quantity"),
    ("POST", "/inventory/adjustments", _and(ADJUSTMENT, quantity=-10**12), "quantity"),
    ("POST", "/inventory/adjustments", _and(ADJUSTMENT, reason=""), "reason"),
    ("POST", "/inventory/adjustments", _without(ADJUSTMENT, "reason"), "reason"),
    ("POST", "/inventory/counts", _and(COUNT, quantity=-1), "quantity"),
    ("POST", "/inventory/counts", _and(COUNT, quantity=None), "quantity"),
    ("POST", "/inventory/counts", _and(COUNT, location="nowhere"), "location"),
    ("POST", "/inventory/transfers", _and(TRANSFER, to_location="east"), "to_location"),
    ("POST", "/inventory/transfers", _and(TRANSFER, from_location="nowhere"), "from_location"),
    ("POST", "/inventory/transfers", _and(TRANSFER, quantity=0), "quantity"),
    ("PATCH", "/inventory/MUG/east", {}, "safety_stock"),
    ("PATCH", "/inventory/MUG/east", {"safety_stock": -1}, "safety_stock"),
    ("PATCH", "/inventory/MUG/east", {"reorder_point": 2.5}, "reorder_point"),
    ("PATCH", "/inventory/MUG/nowhere", {"safety_stock": 1}, "location"),
    ("POST", "/orders/{order}/holds", {"reason": "vacation"}, "reason"),
    ("POST", "/orders/{order}/holds", {}, "reason"),
    ("POST", "/orders/{order}/holds", {"reason": "manual", "note": "n" * 1001}, "note"),
    ("POST", "/orders/{order}/holds", {"reason": "manual", "until": "monday"}, "until"),
    ("POST", "/orders/{order}/cancel", {"lines": []}, "lines"),
    ("POST", "/orders/{order}/cancel", {"lines": "all"}, "lines"),
    ("POST", "/orders/{order}/cancel", {"lines": [{"line_id": 999_999}]}, "lines.0.line_id"),
    ("POST", "/orders/{order}/cancel", {"lines": [{"line_id": LINE_AS_TEXT}]}, "lines.0.line_id"),
    ("POST", "/orders/{order}/cancel", {"lines": [{"line_id": LINE, "quantity": 0}]},
     "lines.0.quantity"),
    ("POST", "/orders/{order}/cancel", {"lines": [{"line_id": LINE, "quantity": 3}]},
     "lines.0.quantity"),
    ("POST", "/orders/{order}/cancel", {"reason": "r" * 501}, "reason"),
]


def _fill(value: Any, order: dict[str, Any]) -> Any:
    """The body with the order's real first line id in place of its stand-ins."""
    line_id = order["lines"][0]["id"]
    if value == LINE:
        return line_id
    if value == LINE_AS_TEXT:
        return str(line_id)
    if isinstance(value, dict):
        return {k: _fill(v, order) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(item, order) for item in value]
    return value


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_CHANGES,
                         ids=[f"{m} {p} {f}" for m, p, _, f in BAD_CHANGES])
def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(
        database: Database, admin: TestClient, order: dict[str, Any], method: str, path: str,
        body: dict[str, Any], field: str) -> None:
    before = footprint(database)
    url = "/api/v1" + path.format(order=order["id"])
    response = admin.request(method, url, json=_fill(body, order))
    assert_problem(response, 422, field)
    assert footprint(database) == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/products", PRODUCT),
    ("POST", "/locations", LOCATION),
    ("POST", "/channels", CHANNEL),
    ("POST", "/inventory/receipts", RECEIPT),
    ("POST", "/inventory/adjustments", ADJUSTMENT),
    ("POST", "/inventory/counts", COUNT),
    ("POST", "/inventory/transfers", TRANSFER),
    ("PATCH", "/inventory/MUG/east", {"safety_stock": 1}),
    ("POST", "/orders/{order}/holds", {"reason": "manual"}),
    ("POST", "/orders/{order}/cancel", {"lines": [{"line_id": LINE, "quantity": 1}]}),
])
def test_the_valid_bodies_the_bad_ones_are_made_from_are_accepted(
        database: Database, admin: TestClient, order: dict[str, Any], method: str, path: str,
        body: dict[str, Any]) -> None:
    response = admin.request(method, "/api/v1" + path.format(order=order["id"]),
                             json=_fill(body, order))
    assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize(("path", "body"), [
    ("/inventory/adjustments", _and(ADJUSTMENT, quantity=-11)),
    ("/inventory/transfers", _and(TRANSFER, quantity=9)),
], ids=["remove-more-than-on-hand", "transfer-reserved-units"])
def test_moving_stock_that_is_not_there_is_a_conflict_naming_the_quantity(
        database: Database, admin: TestClient, order: dict[str, Any], path: str,
        body: dict[str, Any]) -> None:
    before = footprint(database)
    problem = assert_problem(admin.post("/api/v1" + path, json=body), 409, "quantity")
    assert problem["type"] == "/problems/conflict"
    assert footprint(database) == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/products", _and(PRODUCT, sku="MUG")),
    ("POST", "/locations", _and(LOCATION, code="east")),
    ("POST", "/channels", _and(CHANNEL, code="web")),
])
def test_creating_what_already_exists_is_a_conflict_that_changes_nothing(
        database: Database, admin: TestClient, order: dict[str, Any], method: str, path: str,
        body: dict[str, Any]) -> None:
    before = footprint(database)
    assert_problem(admin.request(method, "/api/v1" + path, json=body), 409)
    assert footprint(database) == before


@pytest.mark.parametrize(("method", "path"), [
    ("PATCH", "/products/NOPE"),
    ("PATCH", "/locations/nowhere"),
    ("PATCH", "/channels/nowhere"),
    ("POST", "/orders/999999/holds"),
    ("POST", "/orders/999999/cancel"),
    ("POST", "/orders/{order}/holds/999999/release"),
])
def test_changing_something_that_does_not_exist_is_not_found(
        database: Database, admin: TestClient, order: dict[str, Any], method: str,
        path: str) -> None:
    before = footprint(database)
    body = {"reason": "manual"} if path.endswith("/holds") else {}
    response = admin.request(method, "/api/v1" + path.format(order=order["id"]), json=body)
    assert_problem(response, 404)
    assert footprint(database) == before


def test_a_cancelled_order_cannot_be_held_or_cancelled_again(
        database: Database, admin: TestClient, order: dict[str, Any]) -> None:
    url = f"/api/v1/orders/{order['id']}"
    assert admin.post(f"{url}/cancel", json={}).status_code == 200
    before = footprint(database)
    for action, body in (("holds", {"reason": "manual"}), ("cancel", {})):
        problem = assert_problem(admin.post(f"{url}/{action}", json=body), 409)
        assert problem["type"] == "/problems/invalid-transition"
        assert problem["current_status"] == "cancelled"
    assert footprint(database) == before
