"""Channels over HTTP: their locations and rules, and the available-to-sell each publishes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders

CHANNELS = "/api/v1/channels"


def _create(client: TestClient, code: str, locations: list[str],
            **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": fields.pop("name", code), "kind": fields.pop("kind", "web"),
            "locations": locations, **fields}
    response = client.post(CHANNELS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _published(client: TestClient, code: str, *skus: str) -> dict[str, tuple[int, int]]:
    """sku -> (available over the channel's locations, available to sell after its rules)."""
    response = client.get(f"{CHANNELS}/{code}/availability", params={"sku": list(skus)})
    assert response.status_code == 200, response.text
    return {item["sku"]: (item["available"], item["available_to_sell"])
            for item in response.json()["items"]}


def _mug_warehouses(database: Database) -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.location(database, "north", priority=3)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.stock(database, "MUG", "east", 10)
    builders.stock(database, "MUG", "west", 6)
    builders.stock(database, "MUG", "north", 100)
    builders.stock(database, "LID", "east", 40)


def test_a_channel_is_created_with_its_locations_and_rules(database: Database,
                                                           admin: TestClient) -> None:
    _mug_warehouses(database)

    response = admin.post(CHANNELS, json={
        "code": "shopify-eu", "name": "Shopify EU", "kind": "shopify",
        "locations": ["west", "east"], "shortage_policy": "backorder", "payment_terms": "net_30",
        "availability": {"buffer": 2, "cap_percent": 80, "sku_buffers": {"MUG": 5}}})

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/channels/shopify-eu"
    created = response.json()
    assert {k: v for k, v in created.items() if k not in ("created_at", "updated_at")} == {
        "code": "shopify-eu", "name": "Shopify EU", "kind": "shopify",
        "locations": ["east", "west"], "shortage_policy": "backorder",
        "payment_terms": "net_30", "active": True,
        "availability": {"buffer": 2, "cap_percent": 80, "sku_buffers": {"MUG": 5}}}
    assert admin.get(f"{CHANNELS}/shopify-eu").json() == created
    assert [c["code"] for c in admin.get(CHANNELS).json()["items"]] == ["shopify-eu"]


def test_a_channel_naming_an_unknown_location_or_sku_is_refused_and_not_created(
        database: Database, admin: TestClient) -> None:
    _mug_warehouses(database)

    response = admin.post(CHANNELS, json={
        "code": "web", "name": "Web", "kind": "web", "locations": ["east", "mars"],
        "availability": {"sku_buffers": {"TEAPOT": 1}}})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "locations", "message": "unknown location 'mars'"},
        {"field": "availability.sku_buffers.TEAPOT", "message": "unknown sku 'TEAPOT'"}]
    assert admin.get(f"{CHANNELS}/web").status_code == 404


def test_a_second_channel_with_the_same_code_is_a_conflict(database: Database,
                                                           admin: TestClient) -> None:
    _mug_warehouses(database)
    first = _create(admin, "web", ["east"])

    response = admin.post(CHANNELS, json={"code": "web", "name": "Other", "kind": "pos"})

    assert response.status_code == 409
    assert admin.get(f"{CHANNELS}/web").json() == first


def test_patch_replaces_the_locations_and_merges_the_availability_rules(
        database: Database, admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east"], availability={"buffer": 3, "cap_percent": 50})

    response = admin.patch(f"{CHANNELS}/web", json={"locations": ["west", "north"],
                                                    "availability": {"buffer": 1},
                                                    "shortage_policy": "backorder"})

    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["locations"] == ["west", "north"]
    assert changed["availability"] == {"buffer": 1, "cap_percent": 50, "sku_buffers": {}}
    assert (changed["shortage_policy"], changed["kind"]) == ("backorder", "web")
    assert admin.get(f"{CHANNELS}/web").json() == changed


def test_a_patch_that_breaks_a_rule_changes_nothing(database: Database,
                                                    admin: TestClient) -> None:
    _mug_warehouses(database)
    before = _create(admin, "web", ["east"])

    response = admin.patch(f"{CHANNELS}/web", json={"locations": ["west", "atlantis"],
                                                    "payment_terms": "net_1000"})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"payment_terms", "locations"}
    assert admin.get(f"{CHANNELS}/web").json() == before


def test_availability_sums_the_channel_locations_only(database: Database,
                                                      admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"])

    assert _published(admin, "web", "MUG", "LID") == {"LID": (40, 40), "MUG": (16, 16)}


def test_inactive_locations_do_not_count(database: Database, admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"])

    admin.patch("/api/v1/locations/west", json={"active": False})

    assert _published(admin, "web", "MUG") == {"MUG": (10, 10)}


def test_reserved_units_and_safety_stock_are_not_available(database: Database,
                                                            admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"])
    admin.patch("/api/v1/inventory/MUG/west", json={"safety_stock": 2})

    order = admin.post("/api/v1/orders", json=builders.order_body("web", "A-1", {"MUG": 3}))

    assert order.status_code == 201, order.text
    assert _published(admin, "web", "MUG") == {"MUG": (11, 11)}


def test_the_global_buffer_is_held_back(database: Database, admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"], availability={"buffer": 4})

    assert _published(admin, "web", "MUG", "LID") == {"LID": (40, 36), "MUG": (16, 12)}


def test_a_per_sku_buffer_replaces_the_global_one(database: Database,
                                                  admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"],
            availability={"buffer": 4, "sku_buffers": {"MUG": 10}})

    assert _published(admin, "web", "MUG", "LID") == {"LID": (40, 36), "MUG": (16, 6)}


def test_the_cap_publishes_only_a_share_of_the_stock(database: Database,
                                                     admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east", "west"], availability={"cap_percent": 25})

    assert _published(admin, "web", "MUG", "LID") == {"LID": (40, 10), "MUG": (16, 4)}


def test_a_buffer_larger_than_the_stock_publishes_zero(database: Database,
                                                       admin: TestClient) -> None:
    _mug_warehouses(database)
    _create(admin, "web", ["east"], availability={"buffer": 50})

    assert _published(admin, "web", "MUG") == {"MUG": (10, 0)}


def test_a_kit_counts_the_whole_kits_each_location_can_assemble(database: Database,
                                                                admin: TestClient) -> None:
    _mug_warehouses(database)
    builders.product(database, "SET", components={"MUG": 2, "LID": 1})
    builders.stock(database, "LID", "west", 1)
    _create(admin, "web", ["east", "west"])

    # east: 10 mugs and 40 lids make 5 sets; west: 6 mugs but 1 lid make 1; together 6,
    # though 16 mugs and 41 lids would make 8 if one place held them all.
    assert _published(admin, "web", "SET") == {"SET": (6, 6)}


def test_a_kit_whose_components_sit_at_different_locations_is_not_available(
        database: Database, admin: TestClient) -> None:
    builders.location(database, "east")
    builders.location(database, "west")
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.product(database, "SET", components={"MUG": 1, "LID": 1})
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "LID", "west", 5)
    _create(admin, "web", ["east", "west"])

    assert _published(admin, "web", "SET") == {"SET": (0, 0)}


def test_every_active_product_is_listed_when_no_sku_is_named(database: Database,
                                                             admin: TestClient) -> None:
    _mug_warehouses(database)
    builders.product(database, "OLD", active=False)
    builders.product(database, "SPOON")
    _create(admin, "web", ["east"])

    response = admin.get(f"{CHANNELS}/web/availability")

    assert response.json() == {"channel": "web", "items": [
        {"sku": "LID", "available": 40, "available_to_sell": 40},
        {"sku": "MUG", "available": 10, "available_to_sell": 10},
        {"sku": "SPOON", "available": 0, "available_to_sell": 0}]}


def test_availability_of_an_unknown_channel_is_not_found(admin: TestClient) -> None:
    assert admin.get(f"{CHANNELS}/nope/availability").status_code == 404
