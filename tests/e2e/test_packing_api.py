"""The pack station over HTTP: each location's boxes, a fulfillment order packed once every unit
is scanned, into the smallest box that takes it or the packer's, weighed, and its packing
slip."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.fulfillment.tables import packages
from tests.e2e.conftest import key_for
from tests.e2e.packing_world import (
    BOXES,
    KETTLE_GTIN,
    LARGE,
    MEDIUM,
    MUG_GTIN,
    SMALL,
    everything,
    order_for_packing,
    pack,
    shop,  # noqa: F401  (a fixture, named in usefixtures)
    without_ids,
)
from tests.e2e.test_bad_input import assert_problem


@pytest.mark.usefixtures("shop")
def test_a_fulfillment_order_picked_from_a_pick_list_is_packed(admin: TestClient) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})
    listed = admin.post("/api/v1/pick-lists", json={
        "location": "east", "fulfillment_orders": [fulfillment_order_id]})
    assert listed.status_code == 201, listed.text
    confirmed = admin.post(f"/api/v1/pick-lists/{listed.json()['id']}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    assert admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}").json()["status"] \
        == "picked"

    packed = pack(admin, fulfillment_order_id, scans=["MUG", "MUG"], weight_grams=850)

    assert packed.status_code == 200, packed.text
    assert packed.json()["status"] == "packed"
    assert [(line["picked_quantity"], line["packed_quantity"])
            for line in packed.json()["lines"]] == [(2, 2)]


@pytest.mark.usefixtures("shop")
def test_a_smaller_box_too_heavy_for_the_units_is_passed_over_and_said_why(
        admin: TestClient) -> None:
    admin.put(BOXES, json={"boxes": [{**SMALL, "max_weight_g": 500}, MEDIUM]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})

    packed = pack(admin, fulfillment_order_id, scans=["MUG", "MUG"], weight_grams=830).json()

    assert [(p["box"], p["weight_grams"]) for p in packed["packages"]] == [("M", 830)]
    assert packed["box_suggestion"]["rejected"] == [
        {"box": "S", "why": "too heavy", "detail": "800 g is more than 500 g"}]


@pytest.mark.usefixtures("shop")
def test_the_packers_box_is_used_when_it_takes_the_units(admin: TestClient) -> None:
    admin.put(BOXES, json={"boxes": [SMALL, MEDIUM]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})

    packed = pack(admin, fulfillment_order_id, scans=["MUG"], weight_grams=500, box="M").json()

    assert without_ids(packed["packages"]) == [
        {"box": "M", "length_mm": 300, "width_mm": 200, "height_mm": 150, "weight_grams": 500,
         "items": [{"sku": "MUG", "quantity": 1}]}]
    assert packed["box_suggestion"] == {"source": "given", "boxes": ["M"], "rejected": [],
                                        "weight_only": [], "reason": None}


@pytest.mark.usefixtures("shop")
def test_units_that_need_several_boxes_share_the_weight_by_their_own_weights_exactly(
        admin: TestClient, database: Database) -> None:
    # One brick fills the box; nothing goes beside it.
    admin.put(BOXES, json={"boxes": [{**SMALL, "max_weight_g": 1000}]})
    fulfillment_order_id = order_for_packing(admin, {"BRICK": 2, "MUG": 1})

    packed = pack(admin, fulfillment_order_id, scans=["BRICK", "MUG", "BRICK"],
                   weight_grams=1000).json()

    # 1000 g by 700 : 700 : 400 is 388.9, 388.9 and 222.2; the two grams lost to rounding
    # down go to the two largest remainders.
    assert [(p["box"], p["weight_grams"], p["items"]) for p in packed["packages"]] == [
        ("S", 389, [{"sku": "BRICK", "quantity": 1}]),
        ("S", 389, [{"sku": "BRICK", "quantity": 1}]),
        ("S", 222, [{"sku": "MUG", "quantity": 1}])]
    assert sum(p["weight_grams"] for p in packed["packages"]) == 1000
    with database.reading() as connection:
        assert connection.execute(sa.select(sa.func.sum(packages.c.weight_grams))).scalar() \
            == 1000


@pytest.mark.usefixtures("shop")
def test_without_boxes_at_the_location_the_units_are_packed_without_one(
        admin: TestClient) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1, "LID": 2})

    packed = pack(admin, fulfillment_order_id, scans=["LID", "MUG", "LID"],
                   weight_grams=520).json()

    assert packed["status"] == "packed"
    assert without_ids(packed["packages"]) == [
        {"box": None, "length_mm": None, "width_mm": None, "height_mm": None,
         "weight_grams": 520,
         "items": [{"sku": "MUG", "quantity": 1}, {"sku": "LID", "quantity": 2}]}]
    assert packed["box_suggestion"] == {
        "source": "none", "boxes": [], "rejected": [], "weight_only": [],
        "reason": "location east has no boxes; packed without one"}


@pytest.mark.usefixtures("shop")
def test_a_unit_no_box_takes_is_packed_without_a_box_and_named(admin: TestClient) -> None:
    admin.put(BOXES, json={"boxes": [SMALL]})
    fulfillment_order_id = order_for_packing(admin, {"KETTLE": 1})

    packed = pack(admin, fulfillment_order_id, scans=[KETTLE_GTIN], weight_grams=1400).json()

    assert [(p["box"], p["weight_grams"]) for p in packed["packages"]] == [(None, 1400)]
    assert packed["box_suggestion"]["reason"] == "no box at east takes KETTLE; packed without one"


@pytest.mark.usefixtures("shop")
def test_a_kit_is_scanned_and_packed_as_its_own_sku(admin: TestClient) -> None:
    fulfillment_order_id = order_for_packing(admin, {"SET": 1})

    refused = pack(admin, fulfillment_order_id, scans=["MUG"], weight_grams=460)
    packed = pack(admin, fulfillment_order_id, scans=["SET"], weight_grams=460)

    assert assert_problem(refused, 422, "scans.0")["errors"] == [
        {"field": "scans.0", "message": "MUG is not in this order"},
        {"field": "scans", "message": "SET: 1 more to scan"}]
    assert packed.status_code == 200, packed.text
    assert packed.json()["packages"][0]["items"] == [{"sku": "SET", "quantity": 1}]


# Refusals ---------------------------------------------------------------------------------------

@pytest.mark.usefixtures("shop")
def test_a_scan_of_something_not_in_the_order_is_refused_by_name_and_changes_nothing(
        admin: TestClient, database: Database) -> None:
    admin.put(BOXES, json={"boxes": [SMALL]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG", KETTLE_GTIN, "MUG"],
                     weight_grams=800)

    problem = assert_problem(response, 422, "scans.1")
    assert problem["errors"] == [
        {"field": "scans.1", "message": f"{KETTLE_GTIN} is not in this order"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_a_scan_beyond_the_ordered_quantity_is_refused_by_name_and_changes_nothing(
        admin: TestClient, database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG", MUG_GTIN, "0" + MUG_GTIN],
                     weight_grams=800)

    assert assert_problem(response, 422, "scans.2")["errors"] == [
        {"field": "scans.2", "message": "all 2 of MUG are already packed"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_units_left_unscanned_are_refused_naming_each_sku_and_count_and_change_nothing(
        admin: TestClient, database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 3, "LID": 2, "KETTLE": 1})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG", "KETTLE"], weight_grams=2000)

    assert assert_problem(response, 422, "scans")["errors"] == [
        {"field": "scans", "message": "MUG: 2 more to scan"},
        {"field": "scans", "message": "LID: 2 more to scan"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_a_box_too_small_for_the_units_is_refused_saying_why_and_changes_nothing(
        admin: TestClient, database: Database) -> None:
    admin.put(BOXES, json={"boxes": [SMALL, MEDIUM]})
    fulfillment_order_id = order_for_packing(admin, {"KETTLE": 1})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["KETTLE"], weight_grams=1300, box="S")

    assert assert_problem(response, 422, "box")["errors"] == [
        {"field": "box", "message": "box S cannot take the units: KETTLE fits no way round"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_a_box_the_units_fill_twice_over_is_refused_saying_why(admin: TestClient) -> None:
    admin.put(BOXES, json={"boxes": [SMALL, LARGE]})
    fulfillment_order_id = order_for_packing(admin, {"BRICK": 2})

    response = pack(admin, fulfillment_order_id, scans=["BRICK", "BRICK"], weight_grams=1500,
                     box="S")

    assert assert_problem(response, 422, "box")["errors"] == [
        {"field": "box", "message": "box S cannot take the units: could not pack: the units "
                                    "take 4788000 mm³, the box holds 3000000 mm³"}]


@pytest.mark.usefixtures("shop")
def test_a_box_the_scale_says_is_overloaded_is_refused(admin: TestClient,
                                                      database: Database) -> None:
    admin.put(BOXES, json={"boxes": [{**SMALL, "max_weight_g": 1000}]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG", "MUG"], weight_grams=1200,
                     box="S")

    assert assert_problem(response, 422, "box")["errors"] == [
        {"field": "box", "message": "box S cannot take the units: they weigh 1200 g, the box "
                                    "takes at most 1000 g"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_a_box_the_location_does_not_stock_is_refused_with_every_other_fault(
        admin: TestClient, database: Database) -> None:
    admin.put("/api/v1/locations/west/boxes", json={"boxes": [MEDIUM]})
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["LID"], weight_grams=500, box="M")

    assert assert_problem(response, 422)["errors"] == [
        {"field": "scans.0", "message": "LID is not in this order"},
        {"field": "scans", "message": "MUG: 1 more to scan"},
        {"field": "box", "message": "location east has no box 'M'"}]
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(("body", "field"), [
    ({"scans": ["MUG"], "weight_grams": 0}, "weight_grams"),
    ({"scans": ["MUG"], "weight_grams": 1_000_001}, "weight_grams"),
    ({"scans": ["MUG"], "weight_grams": 450.5}, "weight_grams"),
    ({"scans": ["MUG"], "weight_grams": "450"}, "weight_grams"),
    ({"scans": ["MUG"]}, "weight_grams"),
    ({"weight_grams": 450}, "scans"),
    ({"scans": "MUG", "weight_grams": 450}, "scans"),
    ({"scans": [4006381333931], "weight_grams": 450}, "scans.0"),
    ({"scans": ["MUG"], "weight_grams": 450, "box": ""}, "box"),
    ({"scans": ["MUG"], "weight_grams": 450, "tape": "red"}, "tape"),
])
def test_a_pack_request_of_the_wrong_shape_is_refused_naming_the_field_and_changes_nothing(
        admin: TestClient, database: Database, body: dict[str, Any], field: str) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})
    before = everything(database)

    assert_problem(pack(admin, fulfillment_order_id, **body), 422, field)

    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_packing_a_cancelled_fulfillment_order_is_a_conflict_naming_its_status(
        admin: TestClient, database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})
    order_id = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}").json()["order_id"]
    assert admin.post(f"/api/v1/orders/{order_id}/cancel", json={}).status_code == 200
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG"], weight_grams=450)

    problem = assert_problem(response, 409)
    assert (problem["current_status"], problem["detail"]) == (
        "cancelled", "cannot pack a fulfillment order that is cancelled")
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_a_packed_fulfillment_order_is_not_packed_again(admin: TestClient,
                                                        database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})
    assert pack(admin, fulfillment_order_id, scans=["MUG"], weight_grams=450).status_code == 200
    before = everything(database)

    response = pack(admin, fulfillment_order_id, scans=["MUG"], weight_grams=450)

    assert assert_problem(response, 409)["current_status"] == "packed"
    assert everything(database) == before


@pytest.mark.usefixtures("shop")
def test_an_unknown_fulfillment_order_is_not_found(admin: TestClient) -> None:
    assert_problem(pack(admin, 999_999, scans=["MUG"], weight_grams=450), 404)
    assert_problem(admin.get("/api/v1/fulfillment-orders/999999/packages"), 404)
    assert_problem(admin.get("/api/v1/fulfillment-orders/999999/packing-slip.pdf"), 404)


@pytest.mark.usefixtures("shop")
def test_to_a_warehouse_key_of_another_location_the_fulfillment_order_does_not_exist(
        admin: TestClient, app_client: TestClient, database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})
    as_west = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['west'])}"}
    as_east = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['east'])}"}
    base = f"/api/v1/fulfillment-orders/{fulfillment_order_id}"
    before = everything(database)

    refused = app_client.post(f"{base}/pack", json={"scans": ["MUG"], "weight_grams": 450},
                              headers=as_west)

    assert assert_problem(refused, 404)["detail"] == \
        f"fulfillment order {fulfillment_order_id} not found"
    assert_problem(app_client.get(f"{base}/packages", headers=as_west), 404)
    assert_problem(app_client.get(f"{base}/packing-slip.pdf", headers=as_west), 404)
    assert everything(database) == before
    packed = app_client.post(f"{base}/pack", json={"scans": ["MUG"], "weight_grams": 450},
                             headers=as_east)
    assert (packed.status_code, packed.json()["status"]) == (200, "packed")


@pytest.mark.usefixtures("shop")
def test_an_unpacked_fulfillment_order_has_no_packages(admin: TestClient) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 1})

    listed = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}/packages")

    assert listed.json() == {"items": [], "next_cursor": None}


# The packing slip -------------------------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_a_packed_order_can_still_be_cancelled_and_its_units_go_back_on_sale(
        admin: TestClient, database: Database) -> None:
    fulfillment_order_id = order_for_packing(admin, {"MUG": 2})
    assert pack(admin, fulfillment_order_id, scans=["MUG", "MUG"],
                weight_grams=900).status_code == 200
    order_id = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}").json()["order_id"]

    response = admin.post(f"/api/v1/orders/{order_id}/cancel", json={})

    assert response.status_code == 200, response.text
    cancelled = admin.get(f"/api/v1/fulfillment-orders/{fulfillment_order_id}",
                          params={}).json()
    assert cancelled["status"] == "cancelled"
    assert [(line["quantity"], line["picked_quantity"], line["packed_quantity"])
            for line in cancelled["lines"]] == [(0, 0, 0)]
    level = admin.get("/api/v1/inventory", params={"sku": "MUG", "location": "east"}).json()
    assert level["items"][0]["reserved"] == 0
