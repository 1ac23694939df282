"""Each location's box catalogue over HTTP: read back as given, replaced whole, validated."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests.e2e.conftest import key_for
from tests.e2e.packing_world import (
    BOXES,
    LARGE,
    MEDIUM,
    MUG_GTIN,
    SMALL,
    everything,
    order_for_packing,
    pack,
    published,
    shop,  # noqa: F401  (a fixture, named in usefixtures)
    without_ids,
)
from tests.e2e.test_bad_input import assert_problem


@pytest.mark.usefixtures("shop")
def test_a_box_catalogue_is_read_back_as_given_and_a_new_one_replaces_it_whole(
        admin: TestClient, database: Database) -> None:
    first = admin.put(BOXES, json={"boxes": [LARGE, SMALL, MEDIUM]})
    assert first.status_code == 200, first.text
    assert first.json() == {"location": "east", "boxes": [LARGE, SMALL, MEDIUM]}
    assert admin.get(BOXES).json() == first.json()

    second = admin.put(BOXES, json={"boxes": [{**SMALL, "max_weight_g": 4000}]})

    assert second.status_code == 200, second.text
    assert admin.get(BOXES).json() == {"location": "east",
                                       "boxes": [{**SMALL, "max_weight_g": 4000}]}
    assert admin.get("/api/v1/locations/west/boxes").json() == {"location": "west",
                                                                "boxes": []}
    entries = admin.get("/api/v1/audit-log", params={"entity_type": "location"}).json()["items"]
    assert sorted(len(e["after"]["boxes"]) for e in entries
                  if e["action"] == "location.boxes_set") == [1, 3]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(("boxes", "field"), [
    ([SMALL, {**MEDIUM, "code": "S"}], "boxes.1.code"),
    ([{**SMALL, "code": ""}], "boxes.0.code"),
    ([{**SMALL, "code": "X" * 41}], "boxes.0.code"),
    ([{**SMALL, "length_mm": 0}], "boxes.0.length_mm"),
    ([{**SMALL, "width_mm": 5001}], "boxes.0.width_mm"),
    ([{**SMALL, "height_mm": -1}], "boxes.0.height_mm"),
    ([{**SMALL, "max_weight_g": 0}], "boxes.0.max_weight_g"),
    ([{**SMALL, "max_weight_g": 100_001}], "boxes.0.max_weight_g"),
    ([{**SMALL, "length_mm": "200"}], "boxes.0.length_mm"),
    ([{**SMALL, "length_mm": 200.5}], "boxes.0.length_mm"),
    ([{**SMALL, "colour": "brown"}], "boxes.0.colour"),
    ([{**SMALL, "code": f"B{n}"} for n in range(201)], "boxes"),
])
def test_a_box_catalogue_breaking_a_rule_is_refused_naming_the_field_and_changes_nothing(
        admin: TestClient, database: Database, boxes: list[dict[str, Any]], field: str) -> None:
    admin.put(BOXES, json={"boxes": [MEDIUM]})
    before = everything(database)

    assert_problem(admin.put(BOXES, json={"boxes": boxes}), 422, field)

    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_two_hundred_boxes_are_taken(admin: TestClient) -> None:
    boxes = [{**SMALL, "code": f"B{n}"} for n in range(200)]

    response = admin.put(BOXES, json={"boxes": boxes})

    assert response.status_code == 200, response.text
    assert len(admin.get(BOXES).json()["boxes"]) == 200


@pytest.mark.usefixtures("shop")
def test_boxes_of_an_unknown_location_are_not_found(admin: TestClient) -> None:
    assert_problem(admin.put("/api/v1/locations/nowhere/boxes", json={"boxes": []}), 404)
    assert_problem(admin.get("/api/v1/locations/nowhere/boxes"), 404)


@pytest.mark.usefixtures("shop")
def test_a_warehouse_key_reads_only_its_own_locations_boxes_and_sets_none(
        admin: TestClient, app_client: TestClient, database: Database) -> None:
    admin.put(BOXES, json={"boxes": [SMALL]})
    as_west = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['west'])}"}

    assert app_client.get("/api/v1/locations/west/boxes", headers=as_west).json() == {
        "location": "west", "boxes": []}
    assert_problem(app_client.get(BOXES, headers=as_west), 404)
    assert_problem(app_client.put("/api/v1/locations/west/boxes", json={"boxes": [SMALL]},
                                  headers=as_west), 403)


# Packing ----------------------------------------------------------------------------------------

@pytest.mark.usefixtures("shop")
def test_scanned_units_are_packed_into_the_smallest_box_that_takes_them_at_the_weighed_weight(
        admin: TestClient, database: Database) -> None:
    admin.put(BOXES, json={"boxes": [LARGE, MEDIUM, SMALL]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2, "LID": 1})

    response = pack(admin, fulfillment_order_id, scans=[MUG_GTIN, "LID", "MUG"],
                     weight_grams=950)

    assert response.status_code == 200, response.text
    packed = response.json()
    assert packed["status"] == "packed"
    assert [(line["sku"], line["quantity"], line["picked_quantity"], line["packed_quantity"])
            for line in packed["lines"]] == [("MUG", 2, 2, 2), ("LID", 1, 1, 1)]
    assert without_ids(packed["packages"]) == [
        {"box": "S", "length_mm": 200, "width_mm": 150, "height_mm": 100, "weight_grams": 950,
         "items": [{"sku": "MUG", "quantity": 2}, {"sku": "LID", "quantity": 1}]}]
    assert packed["box_suggestion"] == {"source": "suggested", "boxes": ["S"], "rejected": [],
                                        "weight_only": [], "reason": None}
    listed = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}/packages").json()
    assert listed == {"items": packed["packages"], "next_cursor": None}
    assert admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}").json()["status"] \
        == "packed"
    assert admin.get(f"/api/v1/orders/{packed['order_id']}").json()["status"] == "in_fulfillment"
    assert published(database, "fulfillment_order.packed") == [
        {"fulfillment_order_id": fulfillment_order_id, "order_id": packed["order_id"],
         "location": "east", "packages": packed["packages"]}]
    timeline = admin.get(f"/api/v1/orders/{packed['order_id']}/events").json()["items"]
    assert timeline[-1]["type"] == "fulfillment_order.packed"
    assert timeline[-1]["detail"]["packages"] == packed["packages"]
    audit = admin.get("/api/v1/audit-log", params={"entity_type": "fulfillment_order"})
    assert [(e["action"], e["entity"]["id"], e["before"], e["after"]["status"])
            for e in audit.json()["items"]] == [
        ("fulfillment_order.packed", str(fulfillment_order_id), {"status": "open"}, "packed")]
