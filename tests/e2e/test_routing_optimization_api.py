"""Exact re-optimisation of the open backlog: proposed with its savings, applied on
confirmation, stale moves skipped."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from tests import builders, stock_truth
from tests.e2e.test_bad_input import assert_problem, footprint

OPTIMIZATIONS = "/api/v1/routing/optimizations"


def _shop(database: Database, admin: TestClient) -> list[dict[str, Any]]:
    """East ships first by priority but costs 900 a parcel; west costs 500. Three orders."""
    builders.location(database, "east", priority=1,
                      shipping_rates={"domestic": 900, "international": 2000})
    builders.location(database, "west", priority=2,
                      shipping_rates={"domestic": 500, "international": 2000})
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 10)
    builders.stock(database, "MUG", "west", 10)
    assert admin.put("/api/v1/channels/web/routing-rules", json={
        "rules": [{"criterion": "priority", "weight": 1}]}).status_code == 200
    placed = []
    for number in range(3):
        response = admin.post("/api/v1/orders", json=builders.order_body(
            "web", f"A-{number}", {"MUG": 2}))
        assert response.status_code == 201, response.text
        placed.append(response.json())
    return placed


def _where(database: Database, order_id: int) -> dict[str, tuple[int, str]]:
    with database.reading() as connection:
        return stock_truth.fulfillment_orders(connection, order_id)


def test_the_optimiser_proposes_the_cheaper_location_and_moves_nothing_until_applied(
        database: Database, admin: TestClient) -> None:
    placed = _shop(database, admin)
    before = {order["id"]: _where(database, order["id"]) for order in placed}

    response = admin.post(OPTIMIZATIONS, json={"split_penalty": 600})

    assert response.status_code == 201, response.text
    proposal = response.json()
    assert (proposal["status"], proposal["orders"], proposal["moved_orders"]) == (
        "proposed", 3, 3)
    assert (proposal["current_cost"], proposal["optimal_cost"], proposal["savings"]) == (
        2700, 1500, 1200)
    assert proposal["proven_optimal"] is True
    assert {m["order_id"] for m in proposal["moves"]} == {order["id"] for order in placed}
    assert {order["id"]: _where(database, order["id"]) for order in placed} == before


def test_applying_moves_the_orders_and_their_reservations(database: Database,
                                                          admin: TestClient) -> None:
    placed = _shop(database, admin)
    proposal = admin.post(OPTIMIZATIONS, json={}).json()

    response = admin.post(f"{OPTIMIZATIONS}/{proposal['id']}/apply")

    assert response.status_code == 200, response.text
    applied = response.json()
    assert applied["status"] == "applied"
    assert sorted(applied["applied_orders"]) == sorted(order["id"] for order in placed)
    for order in placed:
        where = _where(database, order["id"])
        assert where["east"][1] == "cancelled" and where["west"][1] == "open"
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        assert stock_truth.allocated_units(connection) == {("MUG", "west"): 6}
    assert (levels[("MUG", "east")].reserved, levels[("MUG", "west")].reserved) == (0, 6)
    timeline = admin.get(f"/api/v1/orders/{placed[0]['id']}/events").json()["items"]
    assert timeline[-1]["type"] == "order.rerouted"
    current = admin.get(f"/api/v1/orders/{placed[0]['id']}/routing").json()["current"]
    assert (current["trigger"], current["winners"], current["allocations"]) == (
        "optimization", ["west"], [{"line_number": 1, "location": "west", "quantity": 2}])
    assert_problem(admin.post(f"{OPTIMIZATIONS}/{proposal['id']}/apply"), 409)


def test_an_order_changed_since_the_proposal_is_skipped_not_moved(database: Database,
                                                                  admin: TestClient) -> None:
    placed = _shop(database, admin)
    proposal = admin.post(OPTIMIZATIONS, json={}).json()
    changed = placed[1]["id"]
    assert admin.post(f"/api/v1/orders/{changed}/cancel",
                      json={"lines": [{"sku": "MUG", "quantity": 1}]}).status_code == 200

    applied = admin.post(f"{OPTIMIZATIONS}/{proposal['id']}/apply").json()

    assert applied["skipped_orders"] == [changed]
    assert sorted(applied["applied_orders"]) == sorted(
        order["id"] for order in placed if order["id"] != changed)
    assert [status for _, status in _where(database, changed).values()] == ["open"]
    assert list(_where(database, changed)) == ["east"]


def test_orders_whose_picking_started_are_left_as_they_are(database: Database,
                                                           admin: TestClient) -> None:
    placed = _shop(database, admin)
    started = placed[0]["lines"][0]["reservations"][0]["fulfillment_order_id"]
    assert admin.post("/api/v1/pick-lists", json={
        "location": "east", "fulfillment_orders": [started]}).status_code == 201

    proposal = admin.post(OPTIMIZATIONS, json={}).json()

    assert (proposal["orders"], proposal["moved_orders"]) == (2, 2)
    assert proposal["left_out"] == {"work started or on hold": 1}


def test_an_unknown_proposal_is_not_found_and_a_bad_penalty_changes_nothing(
        database: Database, admin: TestClient) -> None:
    _shop(database, admin)
    before = footprint(database)

    assert_problem(admin.post(f"{OPTIMIZATIONS}/999/apply"), 404)
    assert_problem(admin.post(OPTIMIZATIONS, json={"split_penalty": -1}), 422)
    assert footprint(database) == before
