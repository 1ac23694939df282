"""The catalog over HTTP: simple products and kits by sku, lists, changes and retirement."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders

PRODUCTS = "/api/v1/products"


def _create(client: TestClient, sku: str, **fields: Any) -> dict[str, Any]:
    response = client.post(PRODUCTS, json={"sku": sku, "name": fields.pop("name", sku), **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _skus(page: dict[str, Any]) -> list[str]:
    return [item["sku"] for item in page["items"]]


def test_a_simple_product_is_created_and_read_back_by_its_sku(admin: TestClient) -> None:
    response = admin.post(PRODUCTS, json={
        "sku": "MUG-BLUE", "name": "Blue mug", "gtin": "4006381333931", "weight_grams": 350,
        "length_mm": 120, "width_mm": 90, "height_mm": 100, "default_price": 1599,
        "currency": "EUR"})

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/products/MUG-BLUE"
    created = response.json()
    assert {k: v for k, v in created.items() if k not in ("created_at", "updated_at")} == {
        "sku": "MUG-BLUE", "name": "Blue mug", "gtin": "4006381333931", "weight_grams": 350,
        "length_mm": 120, "width_mm": 90, "height_mm": 100, "default_price": 1599,
        "currency": "EUR", "ships": True, "active": True, "kind": "simple", "components": []}
    assert created["created_at"].endswith("Z")
    assert admin.get(f"{PRODUCTS}/MUG-BLUE").json() == created


def test_a_kit_is_made_of_existing_simple_products(admin: TestClient) -> None:
    _create(admin, "MUG")
    _create(admin, "LID")

    kit = _create(admin, "GIFT-SET", components=[{"sku": "MUG", "quantity": 2},
                                                 {"sku": "LID", "quantity": 1}])

    assert kit["kind"] == "kit"
    assert kit["components"] == [{"sku": "LID", "quantity": 1}, {"sku": "MUG", "quantity": 2}]
    assert admin.get(f"{PRODUCTS}/GIFT-SET").json()["components"] == kit["components"]


def test_a_kit_of_an_unknown_component_is_refused_and_not_created(admin: TestClient) -> None:
    _create(admin, "MUG")

    response = admin.post(PRODUCTS, json={"sku": "GIFT-SET", "name": "Gift set", "components": [
        {"sku": "MUG", "quantity": 1}, {"sku": "SAUCER", "quantity": 1}]})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "components.1.sku",
                                          "message": "unknown sku 'SAUCER'"}]
    assert admin.get(f"{PRODUCTS}/GIFT-SET").status_code == 404


def test_a_kit_cannot_contain_another_kit(admin: TestClient) -> None:
    _create(admin, "MUG")
    _create(admin, "PAIR", components=[{"sku": "MUG", "quantity": 2}])

    response = admin.post(PRODUCTS, json={"sku": "BOX", "name": "Box", "components": [
        {"sku": "PAIR", "quantity": 1}]})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "components.0.sku",
                                          "message": "a kit component must be a simple product"}]
    assert admin.get(f"{PRODUCTS}/BOX").status_code == 404


def test_a_second_product_with_the_same_sku_is_a_conflict_and_changes_nothing(
        admin: TestClient) -> None:
    first = _create(admin, "MUG", name="Mug", default_price=1500)

    response = admin.post(PRODUCTS, json={"sku": "MUG", "name": "Other mug",
                                          "default_price": 99})

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "a product with sku 'MUG' already exists"
    assert admin.get(f"{PRODUCTS}/MUG").json() == first
    assert _skus(admin.get(PRODUCTS).json()) == ["MUG"]


def test_an_unknown_sku_is_not_found(admin: TestClient) -> None:
    response = admin.get(f"{PRODUCTS}/NOPE")

    assert response.status_code == 404
    assert response.json()["detail"] == "product 'NOPE' not found"


def test_a_gtin_with_digits_of_another_script_is_refused_not_a_crash(admin: TestClient) -> None:
    response = admin.post(PRODUCTS, json={"sku": "MUG", "name": "Mug", "gtin": "9638507\u2074"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["gtin"]
    assert admin.get(f"{PRODUCTS}/MUG").status_code == 404


def test_the_list_pages_through_every_product_in_creation_order(admin: TestClient) -> None:
    for sku in ("A-1", "A-2", "A-3", "A-4", "A-5"):
        _create(admin, sku)

    first = admin.get(PRODUCTS, params={"limit": 2}).json()
    second = admin.get(PRODUCTS, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    last = admin.get(PRODUCTS, params={"limit": 2, "cursor": second["next_cursor"]}).json()

    assert (_skus(first), _skus(second), _skus(last)) == (["A-1", "A-2"], ["A-3", "A-4"],
                                                          ["A-5"])
    assert last["next_cursor"] is None


def test_a_page_that_ends_exactly_at_the_last_product_has_no_next_cursor(
        admin: TestClient) -> None:
    _create(admin, "A-1")
    _create(admin, "A-2")

    page = admin.get(PRODUCTS, params={"limit": 2}).json()

    assert (_skus(page), page["next_cursor"]) == (["A-1", "A-2"], None)


def test_the_list_filters_by_active_kind_and_text(admin: TestClient) -> None:
    _create(admin, "MUG-BLUE", name="Blue mug")
    _create(admin, "MUG-RED", name="Red mug", active=False)
    _create(admin, "LID", name="Lid for a BLUE mug")
    _create(admin, "SET", name="Breakfast set", components=[{"sku": "MUG-BLUE", "quantity": 2}])

    def listed(**params: Any) -> list[str]:
        return _skus(admin.get(PRODUCTS, params=params).json())

    assert listed(active="false") == ["MUG-RED"]
    assert listed(active="true") == ["MUG-BLUE", "LID", "SET"]
    assert listed(kind="kit") == ["SET"]
    assert listed(kind="simple") == ["MUG-BLUE", "MUG-RED", "LID"]
    assert listed(q="blue") == ["MUG-BLUE", "LID"]
    assert listed(q="mug-r") == ["MUG-RED"]
    assert listed(q="blue", kind="simple", active="true") == ["MUG-BLUE", "LID"]
    assert listed(q="teapot") == []


def test_patch_changes_the_name_and_price_and_nothing_else(admin: TestClient) -> None:
    before = _create(admin, "MUG", name="Mug", default_price=1500, weight_grams=300,
                     gtin="96385074")

    response = admin.patch(f"{PRODUCTS}/MUG", json={"name": "Big mug", "default_price": 1800})

    assert response.status_code == 200, response.text
    after = response.json()
    assert (after["name"], after["default_price"]) == ("Big mug", 1800)
    unchanged = ("sku", "gtin", "weight_grams", "currency", "ships", "active", "kind",
                 "components", "created_at")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert admin.get(f"{PRODUCTS}/MUG").json() == after


def test_patch_with_null_clears_the_gtin(admin: TestClient) -> None:
    _create(admin, "MUG", gtin="96385074")

    response = admin.patch(f"{PRODUCTS}/MUG", json={"gtin": None})

    assert response.status_code == 200
    assert admin.get(f"{PRODUCTS}/MUG").json()["gtin"] is None


def test_patch_refuses_components_on_a_simple_product(admin: TestClient) -> None:
    _create(admin, "MUG")
    before = _create(admin, "LID")

    response = admin.patch(f"{PRODUCTS}/LID", json={"components": [{"sku": "MUG",
                                                                     "quantity": 1}]})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "components",
                                          "message": "only kits have components"}]
    assert admin.get(f"{PRODUCTS}/LID").json() == before


def test_patch_of_an_unknown_sku_is_not_found(admin: TestClient) -> None:
    assert admin.patch(f"{PRODUCTS}/NOPE", json={"name": "x"}).status_code == 404


def test_a_deactivated_product_can_no_longer_be_ordered(database: Database,
                                                        admin: TestClient) -> None:
    builders.location(database, "east")
    builders.channel(database, "web", ["east"])
    _create(admin, "MUG")
    builders.stock(database, "MUG", "east", 5)

    deactivated = admin.patch(f"{PRODUCTS}/MUG", json={"active": False})
    order = admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 1}))

    assert deactivated.json()["active"] is False
    assert order.status_code == 422
    assert order.json()["errors"] == [{"field": "lines.0.sku",
                                       "message": "MUG is no longer sold"}]
    assert admin.get("/api/v1/orders").json()["items"] == []
    level = admin.get("/api/v1/inventory", params={"sku": "MUG"}).json()["items"][0]
    assert (level["on_hand"], level["reserved"]) == (5, 0)
