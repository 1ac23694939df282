"""A location rejecting its fulfillment order over HTTP: the units are released and routed
again without it, on hold with a held order, never back to a location that gave it back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders
from tests.e2e.conftest import key_for
from tests.e2e.fulfillment_world import (
    FULFILLMENT_ORDERS,
    ORDERS,
    everything,
    fulfillment_orders_of,
    place,
    published,
    queue_of,
    reject,
    reserved,
    shop,
    timeline,
)
from tests.e2e.test_bad_input import assert_problem


def test_a_rejected_fulfillment_order_is_routed_again_to_the_other_location(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 2}, priority="high")
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()

    rejected = reject(admin, east_id, "  forklift broken  ")

    assert (rejected["id"], rejected["status"], rejected["units"]) == (east_id, "rejected", 0)
    assert (rejected["rejection_reason"], rejected["late"]) == ("forklift broken", False)
    assert [(line["quantity"], line["rejected_quantity"]) for line in rejected["lines"]] == [
        (0, 2)]
    fulfillment_orders = fulfillment_orders_of(database, order["id"])
    west_id = fulfillment_orders["west"][0]
    assert fulfillment_orders == {"east": (east_id, "rejected"), "west": (west_id, "open")}
    assert queue_of(admin, location="east") == []
    [west] = queue_of(admin, location="west")
    assert (west["id"], west["order_id"], west["priority"], west["units"]) == (
        west_id, order["id"], "high", 2)
    now = admin.get(f"{ORDERS}/{order['id']}").json()
    assert (now["status"], now["fulfillment_status"]) == ("confirmed", "allocated")
    assert now["lines"][0]["reservations"] == [
        {"location": "west", "quantity": 2, "fulfillment_order_id": west_id}]
    levels = {(item["sku"], item["location"]): (item["on_hand"], item["reserved"])
              for item in admin.get("/api/v1/inventory").json()["items"]}
    assert levels == {("MUG", "east"): (5, 0), ("MUG", "west"): (5, 2)}
    assert reserved(database) == {("MUG", "west"): 2}
    reason = ("west ships every line, with the best score of the 1 that can (score 0.83: "
              "fewest_shipments 1.00, distance 0.50, shipping_cost 0.50, priority 1.00, "
              "performance 0.50)")
    assert [(e["type"], e["detail"]) for e in timeline(admin, order["id"])[2:]] == [
        ("fulfillment_order.rejected", {"fulfillment_order_id": east_id,
                                        "order_id": order["id"], "location": "east",
                                        "reason": "forklift broken"}),
        ("order.rerouted", {"placed": [{"location": "west", "sku": "MUG", "quantity": 2}],
                            "backordered": {}, "reason": reason})]
    routing = admin.get(f"{ORDERS}/{order['id']}/routing").json()
    assert [d["trigger"] for d in routing["decisions"]] == ["placed", "rejected"]
    current = routing["current"]
    assert (current["trigger"], current["winners"], current["short"]) == (
        "rejected", ["west"], {})
    assert current["allocations"] == [{"line_number": 1, "location": "west", "quantity": 2}]
    assert [(c["location"], c["excluded_by"]) for c in current["candidates"]] == [
        ("west", None), ("east", "gave_back")]
    assert current["reason"] == reason
    assert published(database, "fulfillment_order.rejected") == [
        {"fulfillment_order_id": east_id, "order_id": order["id"], "location": "east",
         "reason": "forklift broken"}]
    assert published(database, "fulfillment_order.created")[-1] == {
        "fulfillment_order_id": west_id, "order_id": order["id"], "number": order["number"],
        "location": "west", "priority": 2, "ship_by": west["ship_by"],
        "lines": [{"sku": "MUG", "quantity": 2}]}


def test_when_every_location_has_rejected_the_order_its_units_wait_on_backorder(
        database: Database, admin: TestClient) -> None:
    shop(database, shortage_policy="reject")
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 2})
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()
    reject(admin, east_id, "flooded")
    west_id = fulfillment_orders_of(database, order["id"])["west"][0]
    created_before = published(database, "fulfillment_order.created")

    reject(admin, west_id, "no staff")

    now = admin.get(f"{ORDERS}/{order['id']}").json()
    assert (now["status"], now["fulfillment_status"]) == ("pending", "ordered")
    line = now["lines"][0]
    assert (line["allocated_quantity"], line["backordered_quantity"], line["reservations"]) == (
        0, 2, [])
    assert fulfillment_orders_of(database, order["id"]) == {"east": (east_id, "rejected"),
                                                          "west": (west_id, "rejected")}
    assert queue_of(admin) == []
    assert reserved(database) == {}
    assert published(database, "fulfillment_order.created") == created_before
    reason = "no location ships every line: split over the fewest locations: none; 2 units short"
    assert timeline(admin, order["id"])[-1]["detail"] == {
        "placed": [], "backordered": {"MUG": 2}, "reason": reason}
    current = admin.get(f"{ORDERS}/{order['id']}/routing").json()["current"]
    gave_back = {"excluded_by": "gave_back", "why_excluded": "gave this order back",
                 "scores": {}, "total": 0.0}
    assert (current["trigger"], current["candidates"], current["winners"]) == (
        "rejected", [{"location": "east", **gave_back}, {"location": "west", **gave_back}], [])
    assert (current["allocations"], current["short"], current["reason"]) == ([], {"1": 2}, reason)


def test_rejecting_a_cancelled_fulfillment_order_is_a_conflict_naming_its_status(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    order = place(admin, {"MUG": 1})
    admin.post(f"{ORDERS}/{order['id']}/cancel")
    [(fulfillment_order_id, _)] = fulfillment_orders_of(database, order["id"]).values()
    before = everything(database)

    response = admin.post(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}/reject",
                          json={"reason": "too late"})

    problem = assert_problem(response, 409)
    assert problem["current_status"] == "cancelled"
    assert problem["detail"] == "cannot reject a fulfillment order that is cancelled"
    assert everything(database) == before


def test_rejecting_a_rejected_fulfillment_order_again_is_a_conflict(database: Database,
                                                                    admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 1})
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()
    reject(admin, east_id, "flooded")
    before = everything(database)

    response = admin.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject", json={"reason": "again"})

    assert assert_problem(response, 409)["current_status"] == "rejected"
    assert everything(database) == before


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 1})
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()
    before = everything(database)

    for body in ({"reason": ""}, {"reason": "   "}, {}, {"reason": "x" * 501},
                 {"reason": "flooded", "units": 1}):
        assert_problem(admin.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject", json=body), 422)

    assert everything(database) == before
    assert [item["id"] for item in queue_of(admin, location="east")] == [east_id]


def test_a_warehouse_key_sees_and_rejects_only_its_own_locations_fulfillment_orders(
        database: Database, app_client: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 3)
    admin = {"Authorization": f"Bearer {key_for(database, 'admin')}"}
    east = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['east'])}"}
    order = app_client.post(ORDERS, json=builders.order_body("web", "A-1", {"MUG": 4}),
                            headers=admin).json()
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in fulfillment_orders_of(database, order["id"]).items()}
    before = everything(database)

    seen = app_client.get(FULFILLMENT_ORDERS, headers=east).json()["items"]
    of_west = app_client.get(FULFILLMENT_ORDERS, params={"location": "west"},
                             headers=east).json()["items"]
    read_west = app_client.get(f"{FULFILLMENT_ORDERS}/{ids['west']}", headers=east)
    reject_west = app_client.post(f"{FULFILLMENT_ORDERS}/{ids['west']}/reject",
                                  json={"reason": "not ours"}, headers=east)
    read_east = app_client.get(f"{FULFILLMENT_ORDERS}/{ids['east']}", headers=east)

    assert [(item["id"], item["location"]) for item in seen] == [(ids["east"], "east")]
    assert of_west == []
    assert_problem(read_west, 404)
    assert_problem(reject_west, 404)
    assert read_west.json()["detail"] == reject_west.json()["detail"] == (
        f"fulfillment order {ids['west']} not found")
    assert (read_east.status_code, read_east.json()["location"]) == (200, "east")
    assert everything(database) == before


def test_a_warehouse_key_rejects_its_own_locations_fulfillment_order(
        database: Database, app_client: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    admin = {"Authorization": f"Bearer {key_for(database, 'admin')}"}
    east = {"Authorization": f"Bearer {key_for(database, 'warehouse', locations=['east'])}"}
    order = app_client.post(ORDERS, json=builders.order_body("web", "A-1", {"MUG": 1}),
                            headers=admin).json()
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()

    response = app_client.post(f"{FULFILLMENT_ORDERS}/{east_id}/reject",
                               json={"reason": "no packers"}, headers=east)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["location"]) == ("rejected", "east")
    assert app_client.get(FULFILLMENT_ORDERS, headers=east).json()["items"] == []
    assert reserved(database) == {("MUG", "west"): 1}


def test_rejecting_a_held_orders_fulfillment_order_sends_the_units_on_hold(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 2})
    hold = admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "fraud_review"}).json()
    [(east_id, _)] = fulfillment_orders_of(database, order["id"]).values()

    reject(admin, east_id, "flooded")

    west_id, west_status = fulfillment_orders_of(database, order["id"])["west"]
    assert admin.get(f"{ORDERS}/{order['id']}").json()["status"] == "on_hold"
    # The order is still under fraud review: west must not start picking it.
    assert west_status == "on_hold"
    assert queue_of(admin, status="open") == []
    admin.post(f"{ORDERS}/{order['id']}/holds/{hold['holds'][0]['id']}/release")
    assert fulfillment_orders_of(database, order["id"])["west"] == (west_id, "open")


def test_a_held_orders_rerouted_units_join_its_fulfillment_order_at_that_location(
        database: Database, admin: TestClient) -> None:
    shop(database)
    builders.stock(database, "MUG", "east", 2)
    builders.stock(database, "MUG", "west", 5)
    order = place(admin, {"MUG": 6})
    ids = {code: fulfillment_order_id for code, (fulfillment_order_id, _)
           in fulfillment_orders_of(database, order["id"]).items()}
    admin.post(f"{ORDERS}/{order['id']}/holds", json={"reason": "address"})

    reject(admin, ids["west"], "flooded")

    # One fulfillment order per order and location: east's held one takes the unit it can.
    held = queue_of(admin, order_id=order["id"])
    assert [(item["id"], item["location"], item["status"], item["units"]) for item in held] == [
        (ids["east"], "east", "on_hold", 2)]
    assert reserved(database) == {("MUG", "east"): 2}
